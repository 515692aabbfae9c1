/**
 * Golden files for CLI output: test/fixtures/linstor-client/tables/<name>.txt. Values that
 * differ from run to run (ports, loop devices, temp folders, times, UUIDs) are masked first; in
 * ASCII tables the masked column is padded again so the layout stays comparable.
 * UPDATE_GOLDEN=1 rewrites the files (review the diff against linstor-client before committing).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '../helpers/controller.js';

export const GOLDEN_DIR = join(REPO_ROOT, 'test/fixtures/linstor-client/tables');

export type Mask = [RegExp, string];

/** Cells of one `| a | b |` row, with their padding (the one space each side removed). */
function cellsOf(line: string): string[] {
  return line.slice(1, -1).split('|').map((c) => c.slice(1, -1));
}

/** Applies the masks to the cells of the ASCII tables in `text` and re-pads changed columns. */
export function maskTables(text: string, masks: Mask[]): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length;) {
    if (!/^\+-+\+$/.test(lines[i]!)) { out.push(lines[i]!); i++; continue; }
    let j = i + 1;
    while (j < lines.length && !/^\+-+\+$/.test(lines[j]!)) j++;
    out.push(...relayout(lines.slice(i, j + 1), masks));
    i = j + 1;
  }
  return out.join('\n');
}

function relayout(block: string[], masks: Mask[]): string[] {
  const rows = block.map((l) => (/^\|[^=-]/.test(l) ? cellsOf(l) : undefined));
  const ncol = rows.find(Boolean)?.length ?? 0;
  let changed = false;
  const cells = rows.map((r) => r?.map((raw) => {
    const text = raw.trim();
    const masked = masks.reduce((s, [re, to]) => s.replace(re, to), text);
    if (masked !== text) changed = true;
    return { text: masked, right: raw.length > text.length && raw.startsWith(' ') };
  }));
  if (!changed) return block;
  const widths = Array.from({ length: ncol }, (_, c) => Math.max(...cells.map((r) => r?.[c]?.text.length ?? 0)));
  const total = widths.reduce((a, w) => a + w + 3, -1);
  return block.map((l, k) => {
    const r = cells[k];
    if (!r) return `${l[0]}${l[1]!.repeat(total)}${l[l.length - 1]}`;
    return `|${r.map((c, n) => ` ${c.right ? c.text.padStart(widths[n]!) : c.text.padEnd(widths[n]!)} `).join('|')}|`;
  });
}

/** Compares `actual` with the golden file (or writes it under UPDATE_GOLDEN=1). */
export function golden(name: string, actual: string): { expected: string; actual: string } {
  const file = join(GOLDEN_DIR, `${name}.txt`);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
    if (process.env.UPDATE_GOLDEN !== '1') return { expected: `(missing golden file ${file})`, actual };
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
  }
  return { expected: readFileSync(file, 'utf8'), actual };
}
