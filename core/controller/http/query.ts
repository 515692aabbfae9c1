/**
 * Query parameters as LINSTOR's JAX-RS resources read them (`@QueryParam List<String> nodes`,
 * `@DefaultValue("0") @QueryParam("limit") int limit`, `boolean` flags): a repeated name is a
 * list and a value is taken whole (`?props=Aux/x=a,b` is one filter); a boolean is true only
 * for "true" in any case (Java's Boolean.valueOf, so python's "True" too); an int that does not
 * parse is a 404, as JAX-RS answers; `limit` <= 0 means the whole list and then `offset` is
 * ignored, as in LINSTOR's `if (limit > 0) stream.skip(offset).limit(limit)`.
 */
import type { Request } from 'express';
import { ApiError } from '../../model/errors.js';

function values(req: Request, name: string): string[] {
  const v = (req.query as Record<string, unknown>)[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

/** A repeated query parameter (`?nodes=a&nodes=b`) as a list; empty values are dropped. */
export function listParam(req: Request, name: string): string[] {
  return values(req, name).filter((s) => s !== '');
}

/** JAX-RS takes a single-valued parameter's first occurrence; empty means the default. */
function first(req: Request, name: string): string | undefined {
  const v = values(req, name)[0]?.trim();
  return v === '' ? undefined : v;
}

export function boolParam(req: Request, name: string, dflt = false): boolean {
  const v = first(req, name);
  return v === undefined ? dflt : v.toLowerCase() === 'true';
}

function intParam(req: Request, name: string, dflt: number): number {
  const v = first(req, name);
  if (v === undefined) return dflt;
  // Java's Integer.valueOf: optional sign, decimal digits, within int32.
  const n = /^[+-]?\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n > 2147483647 || n < -2147483648) {
    throw new ApiError('UNKNOWN_API_CALL', `Query parameter '${name}' is not an integer: '${v}'.`, { correction: `Use e.g. ?${name}=10`, httpStatus: 404 });
  }
  return n;
}

/** `props=Key=Value` filters: every one must match the object's props. */
export function propsFilter(req: Request): (props: Record<string, string>) => boolean {
  const pairs = listParam(req, 'props').map((p) => {
    const i = p.indexOf('=');
    return i < 0 ? [p, undefined] as const : [p.slice(0, i), p.slice(i + 1)] as const;
  });
  if (!pairs.length) return () => true;
  return (props) => pairs.every(([k, v]) => (v === undefined ? k in props : props[k] === v));
}

/** Whether the request asks for a page (limit/offset) rather than the whole list. */
export function isPaged(req: Request): boolean {
  const q = req.query as Record<string, unknown>;
  return q.limit !== undefined || q.offset !== undefined;
}

/**
 * Filters and pages at the source: walks the iterable once, skips `offset` matches and
 * stops after `limit` (0 = all), so no full list is built just to be sliced.
 */
export function page<T, R>(req: Request, items: Iterable<T>, match: (t: T) => boolean, map: (t: T) => R): R[] {
  const limit = intParam(req, 'limit', 0);
  const offset = intParam(req, 'offset', 0);
  if (limit > 0 && offset < 0) {
    // Java's Stream.skip(-1) throws: LINSTOR answers 500.
    throw new ApiError('FAIL_UNKNOWN_ERROR', `Query parameter 'offset' must not be negative: ${offset}.`, { correction: 'Use ?offset=0 or more.' });
  }
  const out: R[] = [];
  let skipped = 0;
  for (const it of items) {
    if (!match(it)) continue;
    if (limit > 0 && skipped < offset) { skipped++; continue; }
    out.push(map(it));
    if (limit > 0 && out.length >= limit) break;
  }
  return out;
}

/** A filter from a list of names: empty list matches all; compared case-insensitively. */
export function nameFilter(names: string[]): (name: string) => boolean {
  if (!names.length) return () => true;
  const set = new Set(names.map((n) => n.toUpperCase()));
  return (name) => set.has(name.toUpperCase());
}

/** `since`/`to` as epoch milliseconds (LINSTOR's query parameters). */
export function msParam(req: Request, name: string): number | undefined {
  const v = (req.query as Record<string, unknown>)[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(Array.isArray(v) ? v[0] : v);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new ApiError('FAIL_INVLD_TIME_PARAM', `Query parameter '${name}' must be a time in milliseconds since the epoch.`, { correction: `Use e.g. ?${name}=${Date.now()}` });
  }
  return n;
}
