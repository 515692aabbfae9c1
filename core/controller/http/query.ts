import type { Request } from 'express';
import { ApiError } from '../../model/errors.js';

/** A repeated query parameter (`?nodes=a&nodes=b`, also `nodes=a,b`) as a list. */
export function listParam(req: Request, name: string): string[] {
  const v = (req.query as Record<string, unknown>)[name];
  if (v === undefined) return [];
  const arr = Array.isArray(v) ? v : [v];
  return arr.flatMap((x) => String(x).split(',')).map((s) => s.trim()).filter(Boolean);
}

export function boolParam(req: Request, name: string, dflt = false): boolean {
  const v = (req.query as Record<string, unknown>)[name];
  if (v === undefined) return dflt;
  return ['true', '1', 'yes', ''].includes(String(Array.isArray(v) ? v[0] : v).toLowerCase());
}

function intParam(req: Request, name: string, dflt: number): number {
  const v = (req.query as Record<string, unknown>)[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(Array.isArray(v) ? v[0] : v);
  if (!Number.isInteger(n) || n < 0) {
    throw new ApiError('API_CALL_PARSE_ERROR', `Query parameter '${name}' must be a non-negative integer.`, { correction: `Use ?${name}=10` });
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
  const offset = intParam(req, 'offset', 0);
  const limit = intParam(req, 'limit', 0);
  const out: R[] = [];
  let skipped = 0;
  for (const it of items) {
    if (!match(it)) continue;
    if (skipped < offset) { skipped++; continue; }
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
