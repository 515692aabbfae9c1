/** Sizes and states as the `linstor` client shows them. */
const UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function kib(n: number | undefined): string {
  if (n === undefined || n === null || !Number.isFinite(n)) return '';
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) { v /= 1024; u++; }
  return `${v >= 100 || u === 0 ? Math.round(v) : v.toFixed(2)} ${UNITS[u]}`;
}

/** Parses "10G", "512M", "2048" (KiB) into KiB; undefined when it does not parse. */
export function parseSizeKib(s: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)(?:i?b)?\s*$/i.exec(s);
  if (!m) return undefined;
  const exp = { '': 0, k: 0, m: 1, g: 2, t: 3, p: 4 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g' | 't' | 'p'];
  const v = Math.round(Number(m[1]) * 1024 ** exp);
  return v > 0 ? v : undefined;
}

export type Health = 'ok' | 'warn' | 'bad';

/** A disk state's health: UpToDate/Diskless fine, syncing or unknown degraded, failed bad. */
export function diskHealth(state: string | undefined): Health {
  if (!state) return 'warn';
  if (/^(UpToDate|Diskless|Created|Attached)$/i.test(state)) return 'ok';
  if (/fail|error|outdated|inconsistent|detach/i.test(state)) return 'bad';
  return 'warn';
}

export function nodeHealth(conn: string | undefined): Health {
  if (conn === 'ONLINE') return 'ok';
  if (conn === 'OFFLINE' || conn === undefined) return 'bad';
  return 'warn';
}

export const when = (ms: number | undefined): string => (ms ? new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC') : '');
