/**
 * /etc/pve/storage.cfg as PVE's SectionConfig reads and writes it: `type: id` headers,
 * indented `key value` lines, `#` comments, a blank line ends a section. Sections we do not
 * touch are written back byte for byte, so other storage types survive a rewrite unchanged.
 */

export class StorageCfgError extends Error {
  constructor(readonly line: number, message: string) {
    super(`storage.cfg line ${line}: ${message}`);
    this.name = 'StorageCfgError';
  }
}

export interface Section {
  type: string;
  id: string;
  /** Keys in file order; a bare flag (`disable`) has the value ''. */
  props: Map<string, string>;
  /** The exact text the section came from; undefined once changed (then it is rendered). */
  raw?: string;
}

/** Text between sections (comments, blank lines) is kept as it was. */
export type Block = { kind: 'text'; text: string } | { kind: 'section'; section: Section };

export interface StorageCfg { blocks: Block[] }

const HEADER = /^(\S+):\s*(\S+)\s*$/;
const PROPERTY = /^\s+(\S+)(\s+(.*\S))?\s*$/;
const COMMENT = /^\s*#/;
const BLANK = /^\s*$/;
// PVE's parse_storage_id: letter first, then letters, digits, '-', '_', '.'.
const STORAGE_ID = /^[a-z][a-z0-9\-_.]*[a-z0-9]$/i;

export function parseStorageCfg(text: string): StorageCfg {
  // Keep line terminators so untouched blocks are reproduced exactly.
  const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const blocks: Block[] = [];
  const ids = new Set<string>();
  let pendingText = '';
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const body = line.replace(/\r?\n$/, '');
    if (BLANK.test(body) || COMMENT.test(body)) { pendingText += line; i++; continue; }
    const h = HEADER.exec(body);
    if (!h) throw new StorageCfgError(i + 1, `expected a section header 'type: id', got '${body.trim()}'`);
    const type = h[1]!.toLowerCase();
    const id = h[2]!;
    if (!STORAGE_ID.test(id)) throw new StorageCfgError(i + 1, `storage ID '${id}' is not valid (a letter first, then letters, digits, '-', '_' or '.')`);
    if (ids.has(id)) throw new StorageCfgError(i + 1, `storage ID '${id}' is defined twice`);
    ids.add(id);
    if (pendingText) { blocks.push({ kind: 'text', text: pendingText }); pendingText = ''; }
    let raw = line;
    const props = new Map<string, string>();
    i++;
    while (i < lines.length) {
      const l = lines[i]!;
      const b = l.replace(/\r?\n$/, '');
      if (BLANK.test(b)) break;
      i++;
      raw += l;
      if (COMMENT.test(b)) continue;
      const p = PROPERTY.exec(b);
      if (!p) throw new StorageCfgError(i, `expected an indented 'key value' line in section '${id}', got '${b.trim()}'`);
      const key = p[1]!;
      if (props.has(key)) throw new StorageCfgError(i, `duplicate attribute '${key}' in section '${id}'`);
      props.set(key, p[3] ?? '');
    }
    blocks.push({ kind: 'section', section: { type, id, props, raw } });
  }
  if (pendingText) blocks.push({ kind: 'text', text: pendingText });
  return { blocks };
}

function renderSection(s: Section): string {
  let out = `${s.type}: ${s.id}\n`;
  for (const [k, v] of s.props) out += v === '' ? `\t${k}\n` : `\t${k} ${v}\n`;
  return out;
}

export function writeStorageCfg(cfg: StorageCfg): string {
  let out = '';
  for (const [n, b] of cfg.blocks.entries()) {
    if (b.kind === 'text') { out += b.text; continue; }
    let text = b.section.raw ?? renderSection(b.section);
    // A section must be followed by a blank line before the next one (PVE ends a section there).
    const next = cfg.blocks[n + 1];
    if (next?.kind === 'section') {
      if (!text.endsWith('\n')) text += '\n';
      text += '\n';
    }
    out += text;
  }
  return out;
}

export function sections(cfg: StorageCfg): Section[] {
  return cfg.blocks.flatMap((b) => (b.kind === 'section' ? [b.section] : []));
}

export function findSection(cfg: StorageCfg, id: string): Section | undefined {
  return sections(cfg).find((s) => s.id === id);
}

/** Replaces the section with the same id (keeping its place) or appends it after a blank line. */
export function putSection(cfg: StorageCfg, s: Section): void {
  const section: Section = { type: s.type, id: s.id, props: new Map(s.props) };
  const at = cfg.blocks.findIndex((b) => b.kind === 'section' && b.section.id === s.id);
  if (at >= 0) { cfg.blocks[at] = { kind: 'section', section }; return; }
  const last = cfg.blocks[cfg.blocks.length - 1];
  if (last?.kind === 'section') {
    if (last.section.raw !== undefined && !last.section.raw.endsWith('\n')) last.section.raw += '\n';
    cfg.blocks.push({ kind: 'text', text: '\n' });
  } else if (last?.kind === 'text' && !/\n\s*\n$/.test(last.text) && last.text.trim() !== '') {
    last.text += last.text.endsWith('\n') ? '\n' : '\n\n';
  }
  cfg.blocks.push({ kind: 'section', section });
}

export function removeSection(cfg: StorageCfg, id: string): boolean {
  const at = cfg.blocks.findIndex((b) => b.kind === 'section' && b.section.id === id);
  if (at < 0) return false;
  cfg.blocks.splice(at, 1);
  return true;
}
