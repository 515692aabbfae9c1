/**
 * Shared pieces of the fuzz suite (issue 15): hostile values as fast-check arbitraries, the
 * sentinel tree that stands in for the system's files, the exec audit trail, and the run
 * settings. CI runs a fixed seed; `npm run fuzz` runs ten times as many cases with a fresh
 * seed (FUZZ_SCALE, FUZZ_SEED). Every hostile string carries a marker (`FzMk` + digits) so the
 * exec audit can show that no command ever ran with a value the edge refused.
 *
 * Hostile paths aim at the sentinel tree, never at real system paths: tests do not point the
 * software at /, /etc or /dev, even to show that it refuses them.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';

export const SEED = process.env.FUZZ_SEED === 'random' ? Date.now() % 2 ** 31 : Number(process.env.FUZZ_SEED ?? 20_261_204);
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);

/** The number of cases for a surface: its CI share times FUZZ_SCALE. */
export function runs(ci: number): number {
  return Math.max(1, Math.round(ci * SCALE));
}

/** fast-check parameters: fixed seed, no shrinking past a few steps (each case is a real request). */
export function fcParams(numRuns: number): fc.Parameters<unknown> {
  return { seed: SEED, numRuns, endOnFailure: true, includeErrorInReport: true, interruptAfterTimeLimit: 20 * 60_000 };
}

/** Prints the line CI logs show per surface: how many cases ran, with which seed, how long. */
export function report(surface: string, cases: number, started: number, extra = ''): void {
  process.stdout.write(`# fuzz ${surface}: ${cases} cases, seed ${SEED}, ${((Date.now() - started) / 1000).toFixed(1)} s${extra ? `, ${extra}` : ''}\n`);
}

// ---- The sentinel tree -------------------------------------------------------------------

export interface Sandbox {
  root: string;
  /** Stand-in for the system's own files: nothing may ever change here. */
  sentinel: string;
  /** Where the software may work (pools, mount points, state folders). */
  work: string;
  /** The exec audit trail (LINSTOR_EXEC_AUDIT) of every process started after `sandbox()`. */
  audit: string;
  remove(): void;
}

export function sandbox(prefix: string): Sandbox {
  const root = mkdtempSync(join(tmpdir(), `fuzz-${prefix}-`));
  const sentinel = join(root, 'sentinel');
  const work = join(root, 'work');
  for (const d of ['etc/linstor', 'dev', 'proc/1', 'var/lib/linstor', 'home/user/.ssh']) mkdirSync(join(sentinel, d), { recursive: true });
  writeFileSync(join(sentinel, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  writeFileSync(join(sentinel, 'etc/linstor/linstor.toml'), '[db]\n');
  writeFileSync(join(sentinel, 'dev/sda.img'), Buffer.alloc(4096, 0x11));
  writeFileSync(join(sentinel, 'proc/1/cmdline'), 'init\n');
  writeFileSync(join(sentinel, 'var/lib/linstor/r0_00000.img'), 'a volume file of nobody\n');
  writeFileSync(join(sentinel, 'home/user/.ssh/id_rsa'), 'secret\n');
  mkdirSync(work);
  const audit = join(root, 'exec-audit.jsonl');
  writeFileSync(audit, '');
  process.env.LINSTOR_EXEC_AUDIT = audit;
  return { root, sentinel, work, audit, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** Path → sha256 (or kind) of everything below `dir`. */
export function treeDigest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const key = relative(dir, p);
      if (e.isDirectory()) { out[`${key}/`] = 'dir'; walk(p); } else if (e.isFile()) out[key] = createHash('sha256').update(readFileSync(p)).digest('hex');
      else out[key] = e.isSymbolicLink() ? 'symlink' : 'other';
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** Mount points under `dir` (there must be none below the sentinel tree). */
export function mountsUnder(dir: string): string[] {
  const r = spawnSync('findmnt', ['-rn', '-o', 'TARGET'], { encoding: 'utf8' });
  return r.stdout.split('\n').filter((t) => t === dir || t.startsWith(`${dir}/`));
}

/** The system's own mounts a broken node call could take away. */
export function systemMountsPresent(): boolean {
  const r = spawnSync('findmnt', ['-rn', '-o', 'TARGET'], { encoding: 'utf8' });
  const targets = new Set(r.stdout.split('\n'));
  return ['/', '/proc', '/sys', '/dev'].every((t) => targets.has(t));
}

/** Commands of the audit trail whose argv contains `marker`. */
export function commandsWith(audit: string, marker: string): string[] {
  if (!marker) return [];
  return readFileSync(audit, 'utf8').split('\n').filter((l) => l.includes(marker));
}

export function commandCount(audit: string): number {
  return readFileSync(audit, 'utf8').split('\n').filter(Boolean).length;
}

// ---- Hostile values ----------------------------------------------------------------------

/** A marker unique within a run: `FzMk` and 8 digits. */
export const markerArb = fc.integer({ min: 10_000_000, max: 99_999_999 }).map((n) => `FzMk${n}`);

/** Strings an attacker or a careless operator sends, each carrying `m`; paths aim at the sentinel tree. */
export function hostileString(sb: Sandbox, m: string): fc.Arbitrary<string> {
  const depth = sb.work.split('/').length;
  const up = '../'.repeat(depth + 2);
  const s = sb.sentinel;
  return fc.oneof(
    fc.constantFrom(
      `$(touch ${s}/pwned-${m})`, `\`touch ${s}/pwned-${m}\``, `x; rm -rf ${s} #${m}`, `a|tee ${s}/etc/passwd #${m}`, `${m} && cat ${s}/home/user/.ssh/id_rsa`,
      `${up}${s.slice(1)}/etc/${m}`, `../../${m}`, `${s}/etc/${m}`, `${s}/dev/sda.img#${m}`, `${s}/proc/1/${m}`, `${s}/../sentinel/var/lib/linstor/${m}`,
      `${m}\u0000${s}/etc/passwd`, `${m}\nInjected: yes`, `${m}\r\n\r\nHTTP/1.1 200 OK`, `-rf${m}`, `--force=${m}`, `-${m}`,
      `${m}%s%n%x`, `{{7*7}}${m}`, `\${jndi:ldap://127.0.0.1/${m}}`, `<script>${m}</script>`, `' OR '1'='1${m}`, `${m}\u202e\u0000\ufeff`,
      `${m}${'A'.repeat(10_000)}`, `${'../'.repeat(200)}${m}`, `${m}${'é'.repeat(300)}`, `${m}\ud83d\udca3`, `${m}\u0301\u0301`,
      `/${m}`, `${m}/`, `${m}//x`, ` ${m} `, `${m}.`, `.${m}`, `${m}*`, `${m}?`, `${m}~`, `${m}..`,
    ),
    fc.string({ maxLength: 40 }).map((x) => `${m}${x}`),
    fc.string({ unit: 'binary', maxLength: 40 }).map((x) => `${x}${m}`),
  );
}

/** Numbers (and number-like strings) no field expects. */
export const hostileNumber: fc.Arbitrary<unknown> = fc.constantFrom(
  -1, 0, -0, 1.5, -(2 ** 31), 2 ** 31, 2 ** 53 + 2, 2 ** 63, -(2 ** 63), 1e308, -1e308, 5e-324,
  '12', '-1', '1e3', '0x10', 'NaN', 'Infinity', '9223372036854775808', '18446744073709551616', ' 7', '',
);

/** A JSON value of any shape, hostile at every leaf. */
export function hostileValue(sb: Sandbox, m: string): fc.Arbitrary<unknown> {
  const str = hostileString(sb, m);
  const deep = fc.integer({ min: 100, max: 3000 }).map((n) => {
    let v: unknown = m;
    for (let i = 0; i < n; i++) v = [v];
    return v;
  });
  return fc.oneof(
    { weight: 5, arbitrary: str },
    { weight: 2, arbitrary: hostileNumber },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(true, false, null, [], {}, [m], { [m]: m }, { __proto__: { polluted: m } }, JSON.parse(`{"__proto__":{"polluted":"${m}"}}`)) },
    { weight: 1, arbitrary: fc.array(str, { maxLength: 3 }) },
    { weight: 1, arbitrary: fc.dictionary(str, str, { maxKeys: 3 }) },
    { weight: 1, arbitrary: deep },
  );
}

/** Request bodies that are not well-formed JSON at all. */
export const brokenBody: fc.Arbitrary<string> = fc.constantFrom(
  '{', '{"a":', '[1,2', '{"a":1}}', 'nul', '"unterminated', '{"a":1,}', '\u0000', '\ufeff{}', '{"a":"\\ud800"}', '{"a":1e999999}', '[' .repeat(5000),
);
