/**
 * LINSTOR serialises with Jackson's NON_EMPTY: null fields, empty strings, empty lists and
 * empty maps are omitted. Booleans and zeros stay.
 */
export function compact<T extends Record<string, unknown>>(obj: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (typeof v === 'object' && !Array.isArray(v) && typeof v !== 'bigint' && Object.keys(v as object).length === 0) continue;
    out[k] = v;
  }
  return out as T;
}
