/**
 * Tables as linstor-client draws them: rounded box with ┊ column separators and a ╞═╡
 * header rule in UTF-8, `+---+` / `|` in ASCII; column colours only when enabled.
 */
export interface Cell { text: string; color?: string }
export type CellValue = string | number | Cell;

export const Color = { GREEN: '\x1b[1;32m', RED: '\x1b[1;31m', YELLOW: '\x1b[1;33m', DARKGREEN: '\x1b[0;32m', NONE: '\x1b[0m' } as const;

export interface TableStyle { utf8: boolean; color: boolean }

const CHARS = {
  utf8: { tl: '╭', tr: '╮', bl: '╰', br: '╯', ml: '╞', mr: '╡', line: '─', rule: '═', pipe: '┊' },
  ascii: { tl: '+', tr: '+', bl: '+', br: '+', ml: '|', mr: '|', line: '-', rule: '-', pipe: '|' },
};

const text = (c: CellValue): string => (typeof c === 'object' ? c.text : String(c));

export function renderTable(headers: string[], rows: CellValue[][], style: TableStyle): string {
  const ch = style.utf8 ? CHARS.utf8 : CHARS.ascii;
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => [...text(r[i] ?? '')].length)));
  const inner = widths.reduce((a, b) => a + b, 0) + 3 * headers.length - 1;
  const fmt = (cells: CellValue[]): string =>
    ch.pipe + cells.map((c, i) => {
      const t = text(c);
      const padded = t + ' '.repeat(widths[i]! - [...t].length);
      const colored = style.color && typeof c === 'object' && c.color ? `${c.color}${padded}${Color.NONE}` : padded;
      return ` ${colored} ${ch.pipe}`;
    }).join('');
  const out = [ch.tl + ch.line.repeat(inner) + ch.tr, fmt(headers), ch.ml + ch.rule.repeat(inner) + ch.mr];
  for (const r of rows) out.push(fmt(r));
  out.push(ch.bl + ch.line.repeat(inner) + ch.br);
  return out.join('\n') + '\n';
}
