/**
 * `-g/--groupby COLUMN...` as linstor-client's Table does it: rows sorted by the named
 * columns (case-insensitive header names; numbers numerically, text naturally), default the
 * first column. Unknown column names are a usage error listing the choices.
 */
import type { OptSpec } from '../spec.js';
import { UsageError } from '../spec.js';
import type { CellValue } from '../table.js';

export const groupbyOpt: OptSpec = { name: 'groupby', short: 'g', kind: 'list', help: 'Group (sort) the rows by these columns' };

const text = (c: CellValue | undefined): string => (c === undefined ? '' : typeof c === 'object' ? c.text : String(c));
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' });

function compareCells(a: string, b: string): number {
  const na = /^-?\d+$/.test(a) ? Number(a) : NaN;
  const nb = /^-?\d+$/.test(b) ? Number(b) : NaN;
  if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  return collator.compare(a, b);
}

export function groupRows(headers: string[], rows: CellValue[][], groupby: string[] | undefined): CellValue[][] {
  const lower = headers.map((h) => h.toLowerCase());
  const cols = (groupby?.length ? groupby : [headers[0]!]).map((g) => {
    const i = lower.indexOf(g.toLowerCase());
    if (i < 0) throw new UsageError(`argument -g/--groupby: invalid choice: '${g}' (choose from ${lower.map((h) => `'${h}'`).join(', ')})`);
    return i;
  });
  // Array.prototype.sort is stable, so rows equal in every group column keep the server's order.
  return [...rows].sort((a, b) => {
    for (const i of cols) {
      const c = compareCells(text(a[i]), text(b[i]));
      if (c !== 0) return c;
    }
    return 0;
  });
}
