/**
 * LINSTOR's object naming on S3 (linstor-server BackupShippingConsts / S3MetafileNameInfo), so a
 * bucket LINSTOR wrote lists here and ours lists there:
 *   metadata  `<rsc>_back_YYYYMMDD_HHMMSS[^<snapshot>].meta`
 *   data      `<rsc>_<vlmnr %05d>_back_YYYYMMDD_HHMMSS[^<snapshot>]`
 * The `^<snapshot>` suffix appears only when the snapshot is not named like the backup id.
 */
export const META_SUFFIX = '.meta';
const META_RE = /^([a-zA-Z0-9_-]{2,48})_(back_[0-9]{8}_[0-9]{6})(?:\^([A-Za-z0-9_-]+))?\.meta$/;

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** `back_YYYYMMDD_HHMMSS` (UTC) of a time in ms. */
export function backupId(ms: number): string {
  const d = new Date(ms);
  return `back_${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}_${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}

/** Time of a `back_YYYYMMDD_HHMMSS` id (UTC), for "older than" filters. */
export function backupTime(id: string): number {
  const m = /^back_(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})$/.exec(id);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : NaN;
}

const suffix = (id: string, snap: string): string => (snap === id ? '' : `^${snap}`);

export function metaKey(rsc: string, id: string, snap: string): string {
  return `${rsc}_${id}${suffix(id, snap)}${META_SUFFIX}`;
}

export function dataKey(rsc: string, vlmNr: number, id: string, snap: string): string {
  return `${rsc}_${pad(vlmNr, 5)}_${id}${suffix(id, snap)}`;
}

export interface MetaName { rscName: string; backupId: string; snapName: string; key: string; id: string }

export function parseMetaKey(key: string): MetaName | undefined {
  const m = META_RE.exec(key);
  if (!m) return undefined;
  return { rscName: m[1]!, backupId: m[2]!, snapName: m[3] ?? m[2]!, key, id: key.slice(0, -META_SUFFIX.length) };
}
