/**
 * A real OpenStack Identity (Keystone) for the Cinder auth tests: Debian's python3-keystone
 * with a SQLite database, Fernet keys and its config in the test's own folder, served on a
 * loopback port by keystone-wsgi-public (its wsgiref test server). `keystone-manage bootstrap`
 * makes the admin user/project and the roles admin, member, reader; `setup()` adds projects
 * and users through Keystone's own API, as an operator would.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './db-servers.js';

export const keystoneAvailable = existsSync('/usr/bin/keystone-manage') && existsSync('/usr/bin/keystone-wsgi-public');

export interface KsAnswer { status: number; headers: Headers; body: any }

export interface Keystone {
  url: string;
  adminPassword: string;
  /** Calls Keystone's API (JSON in and out). */
  call(method: string, path: string, opts?: { token?: string; subject?: string; body?: unknown }): Promise<KsAnswer>;
  /** A token for `user` (password), scoped to `project` (a name) unless `project` is undefined. */
  token(user: string, password: string, project?: string): Promise<string>;
  adminToken(): Promise<string>;
  logs(): string;
  stop(): Promise<void>;
}

function manage(conf: string, args: string[]): void {
  const r = spawnSync('keystone-manage', ['--config-file', conf, ...args], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`keystone-manage ${args[0]} failed (${r.status}): ${r.stderr.slice(-2000)}`);
}

export async function startKeystone(): Promise<Keystone> {
  const dir = mkdtempSync(join(tmpdir(), 'linstor-keystone-'));
  for (const d of ['fernet-keys', 'fernet-receipts', 'credential-keys']) mkdirSync(join(dir, d), { mode: 0o700 });
  const conf = join(dir, 'keystone.conf');
  writeFileSync(conf, [
    '[DEFAULT]', 'use_stderr = true',
    '[database]', `connection = sqlite:///${join(dir, 'keystone.db')}`,
    '[token]', 'provider = fernet', 'expiration = 3600',
    '[fernet_tokens]', `key_repository = ${join(dir, 'fernet-keys')}`,
    '[fernet_receipts]', `key_repository = ${join(dir, 'fernet-receipts')}`,
    '[credential]', `key_repository = ${join(dir, 'credential-keys')}`, '',
  ].join('\n'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const adminPassword = `adm-${Math.random().toString(36).slice(2)}`;
  const user = process.getuid?.() === 0 ? 'root' : String(process.env.USER ?? 'root');
  let proc: ChildProcess | undefined;
  let log = '';
  const stop = async (): Promise<void> => {
    if (proc && proc.exitCode === null) {
      const exited = new Promise((r) => proc!.once('exit', r));
      proc.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    manage(conf, ['db_sync']);
    // Keystone's requests keep a read transaction open on one pooled connection while another
    // writes; in SQLite's default journal mode that is "database is locked". WAL lets both go.
    const wal = spawnSync('python3', ['-c', 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA journal_mode=WAL").fetchone()[0])', join(dir, 'keystone.db')], { encoding: 'utf8' });
    if (wal.stdout.trim() !== 'wal') throw new Error(`cannot switch keystone.db to WAL: ${wal.stderr}`);
    manage(conf, ['fernet_setup', '--keystone-user', user, '--keystone-group', user]);
    manage(conf, ['credential_setup', '--keystone-user', user, '--keystone-group', user]);
    manage(conf, ['bootstrap', '--bootstrap-password', adminPassword, '--bootstrap-public-url', `${url}/`, '--bootstrap-region-id', 'RegionOne']);
    proc = spawn('keystone-wsgi-public', ['--host', '127.0.0.1', '--port', String(port)], {
      env: { ...process.env, OS_KEYSTONE_CONFIG_FILES: conf }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout!.on('data', (d: Buffer) => { log += d.toString(); });
    proc.stderr!.on('data', (d: Buffer) => { log = (log + d.toString()).slice(-200_000); });
    const end = Date.now() + 60_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`keystone exited (${proc.exitCode}): ${log.slice(-2000)}`);
      const ok = await fetch(`${url}/v3`).then((r) => r.status === 200, () => false);
      if (ok) break;
      if (Date.now() > end) throw new Error(`keystone did not answer on ${url}: ${log.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (e) { await stop(); throw e; }

  const call = async (method: string, path: string, opts: { token?: string; subject?: string; body?: unknown } = {}): Promise<KsAnswer> => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (opts.token) headers['x-auth-token'] = opts.token;
    if (opts.subject) headers['x-subject-token'] = opts.subject;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(`${url}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
    const text = await r.text();
    let body: unknown = text;
    try { body = text ? JSON.parse(text) : undefined; } catch { /* keep text */ }
    return { status: r.status, headers: r.headers, body };
  };
  const token = async (name: string, password: string, project?: string): Promise<string> => {
    const r = await call('POST', '/v3/auth/tokens', {
      body: {
        auth: {
          identity: { methods: ['password'], password: { user: { name, domain: { id: 'default' }, password } } },
          ...(project ? { scope: { project: { name: project, domain: { id: 'default' } } } } : {}),
        },
      },
    });
    const t = r.headers.get('x-subject-token');
    if (r.status !== 201 || !t) throw new Error(`no token for ${name}: ${r.status} ${JSON.stringify(r.body)}`);
    return t;
  };
  return { url, adminPassword, call, token, adminToken: () => token('admin', adminPassword, 'admin'), logs: () => log, stop };
}

/** Creates a project, a user with `password` and the named role on it; returns their ids. */
export async function addUser(ks: Keystone, admin: string, opts: { project: string; user: string; password: string; role: string }): Promise<{ projectId: string; userId: string }> {
  const must = (r: KsAnswer, what: string): any => { if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`); return r.body; };
  let projectId: string;
  const found = must(await ks.call('GET', `/v3/projects?name=${encodeURIComponent(opts.project)}`, { token: admin }), 'list projects').projects as Array<{ id: string }>;
  if (found.length) projectId = found[0]!.id;
  else projectId = must(await ks.call('POST', '/v3/projects', { token: admin, body: { project: { name: opts.project, domain_id: 'default' } } }), 'create project').project.id;
  const userId = must(await ks.call('POST', '/v3/users', { token: admin, body: { user: { name: opts.user, password: opts.password, domain_id: 'default' } } }), 'create user').user.id;
  let roles = must(await ks.call('GET', `/v3/roles?name=${opts.role}`, { token: admin }), 'list roles').roles as Array<{ id: string }>;
  if (!roles.length) roles = [must(await ks.call('POST', '/v3/roles', { token: admin, body: { role: { name: opts.role } } }), 'create role').role];
  must(await ks.call('PUT', `/v3/projects/${projectId}/users/${userId}/roles/${roles[0]!.id}`, { token: admin }), 'assign role');
  return { projectId, userId };
}
