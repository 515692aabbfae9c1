import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const CONTROLLER_BIN = join(REPO_ROOT, 'dist/core/controller/main.js');

export interface TestController {
  url: string;
  port: number;
  /** Set when linstor.toml has an [https] section with a keystore. */
  httpsPort?: number;
  httpsUrl?: string;
  /** Config directory holding linstor.toml and the SQLite database. */
  dir: string;
  proc: ChildProcess;
  /** Kills the controller (SIGKILL when `hard`) and waits for it to exit; keeps the directory. */
  kill(hard?: boolean): Promise<void>;
  /** Starts it again on the same port and database. */
  restart(): Promise<void>;
  /** Kills it and removes its directory. */
  stop(): Promise<void>;
  logs(): string;
  /** Resolves with the log so far once it matches `re` (output arrives after the answer it logs). */
  waitForLog(re: RegExp, timeoutMs?: number): Promise<string>;
}

/**
 * Starts a real `linstor-controller` process on 127.0.0.1 with an SQLite database in a
 * temporary directory. Pass `dir` to reuse a database (persistence tests).
 */
export async function startController(opts: { dir?: string; port?: number; env?: Record<string, string>; extraToml?: string; dbToml?: string } = {}): Promise<TestController> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'linstor-ctrl-'));
  // dbToml: a whole [db] section (PostgreSQL, MariaDB, etcd from test/helpers/db-servers.ts).
  const db = opts.dbToml ?? `[db]\nconnection_url = "sqlite:${join(dir, 'linstor.db')}"\n`;
  writeFileSync(join(dir, 'linstor.toml'), `${db}[http]\nport = ${opts.port ?? 0}\nlisten_addr = "127.0.0.1"\n${opts.extraToml ?? ''}`);
  let out = '';
  let proc!: ChildProcess;
  let port = opts.port ?? 0;
  let httpsPort: number | undefined;
  const expectHttps = /^\[https\]/m.test(opts.extraToml ?? '') && !/^\s*enabled\s*=\s*false/m.test(opts.extraToml ?? '');
  const launch = async (): Promise<void> => {
    proc = spawn(process.execPath, [CONTROLLER_BIN, '--config-directory', dir, ...(port ? ['--rest-bind', `127.0.0.1:${port}`] : [])], {
      env: { ...process.env, LINSTOR_LOG_LEVEL: process.env.LINSTOR_LOG_LEVEL ?? 'warn', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    port = await new Promise<number>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`controller did not start:\n${out}`)), 60_000);
      proc.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on .*:(\d+)/.exec(out);
        const hs = /HTTPS listening on .*:(\d+)/.exec(out);
        if (m && (!expectHttps || hs)) { clearTimeout(timer); httpsPort = hs ? Number(hs[1]) : undefined; res(Number(m[1])); }
      });
      proc.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
      proc.once('exit', (code) => { clearTimeout(timer); rej(new Error(`controller exited with ${code}:\n${out}`)); });
    });
  };
  await launch();
  const ctl: TestController = {
    get url() { return `http://127.0.0.1:${port}`; },
    get port() { return port; },
    get httpsPort() { return httpsPort; },
    get httpsUrl() { return httpsPort ? `https://localhost:${httpsPort}` : undefined; },
    dir,
    get proc() { return proc; },
    async kill(hard = false) {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill(hard ? 'SIGKILL' : 'SIGTERM');
      await exited;
    },
    async restart() { await ctl.kill(); await launch(); },
    async stop() { await ctl.kill(true); if (!opts.dir) rmSync(dir, { recursive: true, force: true }); },
    logs: () => out,
    async waitForLog(re, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!re.test(out)) {
        if (Date.now() > deadline) throw new Error(`controller log never matched ${re}:\n${out.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return out;
    },
  };
  return ctl;
}
