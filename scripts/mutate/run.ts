#!/usr/bin/env node
/**
 * `npm run mutate`: targeted mutation testing. For each mutation of ./mutants.ts it changes one
 * line in a private copy of the sources, builds that copy into its own dist (incremental tsc),
 * runs the test files that claim to cover the line, and records whether they caught the bug.
 * The repository's own files and dist are never touched.
 *
 *   npm run mutate                          all mutations
 *   npm run mutate -- --folder core/placement
 *   npm run mutate -- --only placement-offline,csi-params
 *   npm run mutate -- --list                the mutations and their tests, nothing run
 *
 * Prints one line per mutation and a score per folder (caught / scored), and writes
 * mutation-report.json into the repository's dist/.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MUTANTS, type Mutant } from './mutants.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** `flaky`: failed once, passed when run again: not scored (the machine, not the mutation). */
type Outcome = 'caught' | 'survived' | 'timeout' | 'compile-error' | 'flaky';
interface Result { id: string; folder: string; outcome: Outcome; seconds: number; by?: string; what: string; issue14?: boolean }

function args(): { only?: Set<string>; folder?: string; list: boolean; keep: boolean } {
  const a = process.argv.slice(2);
  const value = (flag: string): string | undefined => { const i = a.indexOf(flag); return i >= 0 ? a[i + 1] : undefined; };
  const only = value('--only');
  return { only: only ? new Set(only.split(',')) : undefined, folder: value('--folder'), list: a.includes('--list'), keep: a.includes('--keep') };
}

/** A mutation whose text no longer occurs exactly once would silently test nothing: refuse. */
function checkFresh(list: Mutant[]): void {
  const stale = list.filter((m) => {
    const src = readFileSync(join(ROOT, m.file), 'utf8');
    return src.split(m.find).length !== 2;
  });
  if (stale.length) {
    process.stderr.write(`stale mutations (their text is not found exactly once; update scripts/mutate/mutants.ts):\n${stale.map((m) => `  ${m.id} in ${m.file}`).join('\n')}\n`);
    process.exit(2);
  }
  const missing = [...new Set(list.flatMap((m) => m.tests))].filter((f) => !existsSync(join(ROOT, f.replace(/^dist\//, '').replace(/\.js$/, '.ts'))));
  if (missing.length) {
    process.stderr.write(`mutations name test files that do not exist: ${missing.join(', ')}\n`);
    process.exit(2);
  }
}

/** The sources (tracked and new, not ignored) copied into a private folder with its own dist. */
function privateCopy(): string {
  const work = mkdtempSync(join(tmpdir(), 'linstor-mutate-'));
  const ls = spawnSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' });
  if (ls.status !== 0) throw new Error(`git ls-files failed: ${ls.stderr}`);
  for (const f of ls.stdout.split('\0').filter(Boolean)) {
    if (f.startsWith('node_modules/') || f.startsWith('dist/') || !existsSync(join(ROOT, f))) continue;
    mkdirSync(dirname(join(work, f)), { recursive: true });
    cpSync(join(ROOT, f), join(work, f));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'), 'dir');
  return work;
}

function build(work: string): boolean {
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', work, '--incremental', '--tsBuildInfoFile', join(work, '.tsbuildinfo')], { cwd: work, encoding: 'utf8' });
  if (r.status !== 0) process.stderr.write(r.stdout.split('\n').slice(0, 5).join('\n') + '\n');
  return r.status === 0;
}

/** Runs ava on `files` in the copy; resolves with the exit code (null on timeout) and the first failing test. */
function runTests(work: string, files: string[], timeoutMs: number, failFast: boolean): Promise<{ code: number | null; failed?: string }> {
  return new Promise((res) => {
    const p = spawn(process.execPath, ['node_modules/ava/entrypoints/cli.mjs', '--tap', ...(failFast ? ['--fail-fast'] : []), ...files], {
      cwd: work, env: { ...process.env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.stderr.on('data', () => {});
    const timer = setTimeout(() => { try { process.kill(-p.pid!, 'SIGKILL'); } catch { /* gone */ } res({ code: null }); }, timeoutMs);
    p.on('close', (code) => {
      clearTimeout(timer);
      const failed = /^not ok \d+ - (.*)$/m.exec(out)?.[1];
      res({ code: code ?? 1, failed });
    });
  });
}

function report(results: Result[]): void {
  const folders = [...new Set(results.map((r) => r.folder))];
  const rows = folders.map((f) => {
    const rs = results.filter((r) => r.folder === f && r.outcome !== 'compile-error' && r.outcome !== 'flaky');
    const caught = rs.filter((r) => r.outcome !== 'survived').length;
    return { folder: f, caught, scored: rs.length, score: rs.length ? Math.round((1000 * caught) / rs.length) / 10 : 0 };
  });
  const all = results.filter((r) => r.outcome !== 'compile-error' && r.outcome !== 'flaky');
  const caught = all.filter((r) => r.outcome !== 'survived').length;
  process.stdout.write('\n| folder | caught / mutations | score |\n| --- | --- | --- |\n');
  for (const r of rows) process.stdout.write(`| ${r.folder} | ${r.caught} / ${r.scored} | ${r.score}% |\n`);
  process.stdout.write(`| all | ${caught} / ${all.length} | ${all.length ? Math.round((1000 * caught) / all.length) / 10 : 0}% |\n`);
  const survivors = results.filter((r) => r.outcome === 'survived');
  if (survivors.length) process.stdout.write(`\nsurvived:\n${survivors.map((r) => `  ${r.id}: ${r.what}`).join('\n')}\n`);
  const unscored = results.filter((r) => r.outcome === 'flaky' || r.outcome === 'compile-error');
  if (unscored.length) process.stdout.write(`\nnot scored (run them again with --only):\n${unscored.map((r) => `  ${r.id}: ${r.outcome}`).join('\n')}\n`);
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  writeFileSync(join(ROOT, 'dist', 'mutation-report.json'), `${JSON.stringify({ date: new Date().toISOString(), folders: rows, results }, null, 2)}\n`);
}

async function main(): Promise<void> {
  const opts = args();
  const list = MUTANTS.filter((m) => (!opts.only || opts.only.has(m.id)) && (!opts.folder || m.folder === opts.folder));
  if (list.length === 0) { process.stderr.write('no mutation selected\n'); process.exit(2); }
  checkFresh(list);
  if (opts.list) {
    for (const m of list) process.stdout.write(`${m.id}\t${m.folder}\t${m.what}\t${m.tests.join(' ')}\n`);
    return;
  }
  const work = privateCopy();
  process.stderr.write(`private copy: ${work}\n`);
  try {
    if (!build(work)) throw new Error('the unmutated copy does not build');
    // The covering tests must pass unmutated, or a "caught" would mean nothing.
    // File by file, each given three tries: on a busy machine a cluster test can time out once.
    const files = [...new Set(list.flatMap((m) => m.tests))];
    process.stderr.write(`baseline: ${files.length} test files ...\n`);
    let baseMs = 0;
    for (const f of files) {
      let base: { code: number | null; failed?: string } = { code: 1 };
      for (let i = 0; i < 3 && base.code !== 0; i++) {
        const started = Date.now();
        base = await runTests(work, [f], 20 * 60_000, false);
        baseMs = Math.max(baseMs, Date.now() - started);
      }
      if (base.code !== 0) throw new Error(`${f} fails without any mutation (${base.failed ?? 'timeout'}): fix it first`);
    }

    const results: Result[] = [];
    for (const m of list) {
      const file = join(work, m.file);
      const original = readFileSync(file, 'utf8');
      const t0 = Date.now();
      let outcome: Outcome;
      let by: string | undefined;
      try {
        writeFileSync(file, original.replace(m.find, () => m.replace));
        if (!build(work)) outcome = 'compile-error';
        else {
          // One file at a time, most specific first, stopping at the first that fails.
          const limit = Math.max(5 * 60_000, 3 * baseMs);
          let r: { code: number | null; failed?: string } = { code: 0 };
          for (const f of m.tests) {
            r = await runTests(work, [f], limit, true);
            if (r.code === 0) continue;
            // A catch must happen twice: once may be the load on a shared machine.
            if (r.code !== null && (await runTests(work, [f], limit, true)).code === 0) r = { code: -1, failed: r.failed };
            break;
          }
          outcome = r.code === null ? 'timeout' : r.code === 0 ? 'survived' : r.code === -1 ? 'flaky' : 'caught';
          by = r.failed;
        }
      } finally {
        writeFileSync(file, original);
      }
      const res: Result = { id: m.id, folder: m.folder, outcome, seconds: Math.round((Date.now() - t0) / 1000), by, what: m.what, issue14: m.issue14 };
      results.push(res);
      process.stdout.write(`${outcome.padEnd(13)} ${m.id} (${res.seconds}s)${by ? `  by: ${by}` : ''}\n`);
    }
    build(work);
    report(results);
  } finally {
    if (!opts.keep) rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => { process.stderr.write(`${(e as Error).message}\n`); process.exit(1); });
