/**
 * Tables as linstor-client's Table draws them: rounded UTF-8 box (╭─╮ ┊ ╞═╡ ╰─╯) or ASCII
 * (+-+ | |=| +-+), header underscores shown as spaces, rows sorted naturally by the group-by
 * columns (default the first), multi-line cells split over lines with ┄ rules between rows,
 * per-column colours for data rows and per-cell colour overrides, `-p` pastable = ASCII, no
 * colours, 78 columns.
 */
export interface Cell { text: string; color?: string }
export type CellValue = string | number | Cell;

/** linstor-client's Color constants: `\x1b[i;jm` for i in 0..1, j in 30..37. */
export const Color = {
  BLACK: '\x1b[0;30m', DARKRED: '\x1b[0;31m', DARKGREEN: '\x1b[0;32m', BROWN: '\x1b[0;33m', DARKBLUE: '\x1b[0;34m',
  DARKPINK: '\x1b[0;35m', TEAL: '\x1b[0;36m', GRAY: '\x1b[0;37m', DARKGRAY: '\x1b[1;30m', RED: '\x1b[1;31m',
  GREEN: '\x1b[1;32m', YELLOW: '\x1b[1;33m', BLUE: '\x1b[1;34m', PINK: '\x1b[1;35m', TURQUOIS: '\x1b[1;36m',
  WHITE: '\x1b[1;37m', NONE: '\x1b[0m',
} as const;

export interface TableStyle {
  utf8: boolean;
  color: boolean;
  /** Terminal width; only right-aligned columns use it (linstor-client caps it at 110). */
  width?: number;
}

export interface ColumnOptions {
  color?: string;
  /** Text justification inside the column ('>' in linstor-client's just_txt). */
  right?: boolean;
}

interface Column { name: string; color?: string; right: boolean }

const CHARS = {
  utf8: { tl: '╭', tr: '╮', bl: '╰', br: '╯', mr: '╡', ml: '╞', mdc: '┄', msc: '─', pipe: '┊', hr: '═' },
  ascii: { tl: '+', tr: '+', bl: '+', br: '+', mr: '|', ml: '|', mdc: '-', msc: '-', pipe: '|', hr: '=' },
};

export const cellText = (c: CellValue | undefined): string => (c === undefined ? '' : typeof c === 'object' ? c.text : String(c));
const width = (s: string): number => Math.max(0, ...s.split('\n').map((l) => [...l].length));

/** natsort's key: alternating text and number chunks, text first. */
function natKey(s: string): Array<string | number> {
  const parts = s.split(/(\d+)/);
  return parts.map((p, i) => (i % 2 === 1 ? Number(p) : p));
}

export function naturalCompare(a: string, b: string): number {
  const ka = natKey(a);
  const kb = natKey(b);
  for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
    const x = ka[i]!;
    const y = kb[i]!;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return ka.length - kb.length;
}

export class Table {
  private readonly columns: Column[] = [];
  private readonly rows: Array<CellValue[] | null> = [];
  private groups: string[] = [];
  private showSeparators = false;
  private readonly utf8: boolean;
  private readonly colors: boolean;

  constructor(style: TableStyle, opts: { pastable?: boolean } = {}) {
    this.utf8 = opts.pastable ? false : style.utf8;
    this.colors = opts.pastable ? false : style.color;
  }

  addColumn(name: string, opts: ColumnOptions = {}): this {
    if (this.rows.length) throw new Error('Not allowed to define columns after rows');
    this.columns.push({ name, color: this.colors ? opts.color : undefined, right: opts.right ?? false });
    return this;
  }

  get headerNames(): string[] { return this.columns.map((c) => c.name); }

  addRow(row: CellValue[]): this {
    if (row.length !== this.columns.length) throw new Error('Row len does not match headers');
    this.rows.push(row);
    return this;
  }

  addSeparator(): this { this.rows.push(null); return this; }
  setShowSeparators(v: boolean): this { this.showSeparators = v; return this; }
  setGroupBy(groups: string[] | undefined): this { if (groups?.length) this.groups = groups; return this; }

  private sortedRows(): Array<CellValue[] | null> {
    const lower = this.columns.map((c) => c.name.toLowerCase());
    const idx = this.groups.map((g) => lower.indexOf(g.toLowerCase())).filter((i) => i >= 0);
    if (!idx.length || !this.rows.length) return this.rows;
    const data = this.rows.filter((r): r is CellValue[] => r !== null);
    const sorted = [...data].sort((a, b) => {
      for (const i of idx) {
        const c = naturalCompare(cellText(a[i]), cellText(b[i]));
        if (c !== 0) return c;
      }
      return 0;
    });
    if (!this.showSeparators) return sorted;
    const out: Array<CellValue[] | null> = [];
    sorted.forEach((r, n) => {
      if (n > 0 && idx.some((i) => cellText(sorted[n - 1]![i]) !== cellText(r[i]))) out.push(null);
      out.push(r);
    });
    return out;
  }

  show(): string {
    const ch = this.utf8 ? CHARS.utf8 : CHARS.ascii;
    const header = this.columns.map((c) => c.name.replace(/_/g, ' '));
    const rows = this.sortedRows();
    const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => (r ? width(cellText(r[i])) : 0))));
    const multiLine = rows.some((r) => r?.some((c) => cellText(c).includes('\n')));
    const inner = widths.reduce((a, b) => a + b, 0) + 3 * this.columns.length - 1;
    const rule = (l: string, m: string, r: string): string => l + m.repeat(inner) + r;
    const line = (cells: string[], colors: Array<string | undefined>): string =>
      ch.pipe + cells.map((t, i) => {
        const pad = ' '.repeat(widths[i]! - [...t].length);
        const field = this.columns[i]!.right ? pad + t : t + pad;
        return ` ${colors[i] ? `${colors[i]}${field}${Color.NONE}` : field} ${ch.pipe}`;
      }).join('');
    const out = [rule(ch.tl, ch.msc, ch.tr), line(header, []), rule(ch.ml, ch.hr, ch.mr)];
    rows.forEach((r, n) => {
      if (!r) { out.push(rule(ch.ml, ch.mdc, ch.mr)); return; }
      const colors = r.map((c, i) => (this.colors && typeof c === 'object' && c.color ? c.color : this.columns[i]!.color));
      const split = r.map((c) => cellText(c).split('\n'));
      const height = Math.max(...split.map((s) => s.length));
      for (let k = 0; k < height; k++) out.push(line(split.map((s) => s[k] ?? ''), colors));
      if (multiLine && n < rows.length - 1) out.push(rule(ch.ml, ch.mdc, ch.mr));
    });
    out.push(rule(ch.bl, ch.msc, ch.br));
    return out.join('\n') + '\n';
  }
}

/** One-shot helper for simple tables: headers, rows, style. */
export function renderTable(headers: string[], rows: CellValue[][], style: TableStyle, groupBy?: string[]): string {
  const t = new Table(style);
  for (const h of headers) t.addColumn(h);
  for (const r of rows) t.addRow(r);
  t.setGroupBy(groupBy);
  return t.show();
}
