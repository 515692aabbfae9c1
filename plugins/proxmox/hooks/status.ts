/**
 * `status` (pvestatd asks every few seconds on every node): capacity of the resource group in
 * bytes from query-all-size-info, cached in a file for `statuscache` seconds. One process
 * refreshes an expired cache (an O_EXCL lock file); the others answer from the old file
 * meanwhile, so a node costs the controller at most one query per interval.
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { QueryAllSizeInfoResponse } from '../../../core/client/index.js';
import { isNotFound, isUnknownApiCall, type HookContext } from '../context.js';

type SizeInfos = NonNullable<QueryAllSizeInfoResponse['result']>;
export interface StorageStatus { total: number; avail: number; used: number; active: number }

const LOCK_STALE_MS = 30_000;

function cacheFile(ctx: HookContext): string {
  const key = createHash('sha1').update(ctx.storage.controllers.join(',')).digest('hex').slice(0, 12);
  return join(ctx.cacheDir, `sizeinfo-${key}.json`);
}

function readCache(file: string): { infos: SizeInfos; ageMs: number } | undefined {
  try {
    const ageMs = Date.now() - statSync(file).mtimeMs;
    return { infos: JSON.parse(readFileSync(file, 'utf8')) as SizeInfos, ageMs };
  } catch { return undefined; }
}

function tryLock(lock: string): boolean {
  try { closeSync(openSync(lock, 'wx')); return true; } catch {
    try { if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) { unlinkSync(lock); return tryLock(lock); } } catch { /* raced */ }
    return false;
  }
}

async function query(ctx: HookContext, maxAge: number): Promise<SizeInfos> {
  const c = await ctx.linstor();
  try {
    const r = await c.resourceGroups.queryAllSizeInfo({ ignore_cache_older_than_sec: maxAge });
    return r.result ?? {};
  } catch (e) {
    // Controllers before query-all-size-info (LINSTOR < 1.20) only answer per group.
    if (!isUnknownApiCall(e)) throw e;
  }
  const rg = ctx.storage.resourceGroup;
  try {
    return { [rg]: await c.resourceGroups.querySizeInfo(rg, { ignore_cache_older_than_sec: maxAge }) };
  } catch (e) {
    if (isNotFound(e)) return {};
    throw e;
  }
}

async function sizeInfos(ctx: HookContext): Promise<SizeInfos> {
  const maxAge = ctx.storage.statusCacheSec;
  if (maxAge === 0) return query(ctx, 0);
  const file = cacheFile(ctx);
  const cached = readCache(file);
  if (cached && cached.ageMs < maxAge * 1000) return cached.infos;
  mkdirSync(ctx.cacheDir, { recursive: true });
  const lock = `${file}.lock`;
  if (!tryLock(lock)) {
    if (cached) return cached.infos;
    // First call on this node and another process is asking: wait for its answer briefly.
    for (let i = 0; i < 50; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const now = readCache(file);
      if (now) return now.infos;
    }
    return query(ctx, maxAge);
  }
  try {
    const infos = await query(ctx, maxAge);
    writeCache(file, infos);
    return infos;
  } finally { try { unlinkSync(lock); } catch { /* gone */ } }
}

function writeCache(file: string, infos: SizeInfos): void {
  const tmp = `${file}.${process.pid}.tmp`;
  // A group's `reports` carry bigint return codes (a warning for a group that cannot place its
  // replicas, e.g. DfltRscGrp on a one-node cluster): kept as decimal strings.
  writeFileSync(tmp, JSON.stringify(infos, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
  renameSync(tmp, file);
}

/** Returns null when the resource group is unknown: PVE shows the storage as inactive. */
export async function status(ctx: HookContext): Promise<StorageStatus | null> {
  const rg = ctx.storage.resourceGroup;
  const pick = (infos: SizeInfos) => {
    const hit = Object.entries(infos).find(([k]) => k.toUpperCase() === rg.toUpperCase());
    return hit?.[1]?.space_info;
  };
  let infos = await sizeInfos(ctx);
  let space = pick(infos);
  if (!space || space.capacity_in_kib === undefined) return null;
  if (space.capacity_in_kib === 0) {
    // Early after boot the controller may not know the pools yet: ask again, bypassing caches.
    infos = await query(ctx, -1);
    if (ctx.storage.statusCacheSec > 0) writeCache(cacheFile(ctx), infos);
    space = pick(infos) ?? space;
  }
  const total = (space.capacity_in_kib ?? 0) * 1024;
  const avail = (space.available_size_in_kib ?? 0) * 1024;
  return { total, avail, used: Math.max(0, total - avail), active: 1 };
}
