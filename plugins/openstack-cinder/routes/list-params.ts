/** `limit`, `marker`, `sort` (key:dir,...) and `sort_key`/`sort_dir` as Cinder's common.get_pagination_params reads them. */
import type { Request } from 'express';
import { badRequest, notFound } from '../http/faults.js';

export interface Page<T> { items: T[]; next?: string }

export function paginate<T extends { id: string }>(req: Request, all: T[], keys: Record<string, (x: T) => string | number | null>, kind: string): Page<T> {
  const q = req.query as Record<string, string | undefined>;
  const sorts: [string, 'asc' | 'desc'][] = [];
  if (q.sort) {
    for (const part of String(q.sort).split(',')) {
      const [k, d] = part.trim().split(':');
      sorts.push([k!, (d ?? 'desc').toLowerCase() as 'asc' | 'desc']);
    }
  } else if (q.sort_key) {
    sorts.push([String(q.sort_key), (String(q.sort_dir ?? 'desc').toLowerCase()) as 'asc' | 'desc']);
  }
  if (!sorts.length) sorts.push(['created_at', 'desc']);
  if (!sorts.some(([k]) => k === 'id')) sorts.push(['id', sorts[0]![1]]);
  for (const [k, d] of sorts) {
    // Own keys only: `__proto__` or `constructor` must not reach Object.prototype.
    if (!Object.hasOwn(keys, k)) throw badRequest(`Invalid input received: Invalid sort key ${printableKey(k)}.`);
    if (d !== 'asc' && d !== 'desc') throw badRequest(`Invalid input received: Invalid sort direction ${d}.`);
  }
  const sorted = [...all].sort((a, b) => {
    for (const [k, d] of sorts) {
      const x = keys[k]!(a) ?? '';
      const y = keys[k]!(b) ?? '';
      const c = x < y ? -1 : x > y ? 1 : 0;
      if (c) return d === 'asc' ? c : -c;
    }
    return 0;
  });
  let start = 0;
  if (q.marker) {
    const i = sorted.findIndex((x) => x.id === q.marker);
    if (i < 0) throw notFound(`Marker ${q.marker} could not be found.`);
    start = i + 1;
  }
  let limit: number | undefined;
  if (q.limit !== undefined) {
    limit = Number(q.limit);
    if (!Number.isInteger(limit) || limit < 0) throw badRequest(`Invalid input received: limit must be a non-negative integer.`);
  }
  const items = sorted.slice(start, limit === undefined ? undefined : start + limit);
  const next = limit !== undefined && items.length === limit && start + limit < sorted.length ? items[items.length - 1]?.id : undefined;
  void kind;
  return { items, next };
}

const printableKey = (k: string): string => k.replace(/[^\x20-\x7e]/g, '?').slice(0, 64);

export function nextLink(base: string, project: string, path: string, req: Request, marker: string): { rel: string; href: string }[] {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(req.query)) if (k !== 'marker' && typeof v === 'string') q.set(k, v);
  q.set('marker', marker);
  return [{ rel: 'next', href: `${base}/v3/${project}/${path}?${q.toString()}` }];
}
