/**
 * A real stack for the Cinder tests: controller + three satellites with FILE_THIN pools
 * (test/e2e/cluster.ts), this service in-process, and the real `cinder` CLI
 * (python3-cinderclient 9.1) in noauth mode. No DRBD kernel module exists here, so the
 * service's default layer list is `storage`.
 */
import { execFile } from 'node:child_process';
import pino from 'pino';
import { startCluster, type Cluster } from '../e2e/cluster.js';
import { defaultConfig, type CinderConfig } from '../../plugins/openstack-cinder/config.js';
import { startService, type RunningService } from '../../plugins/openstack-cinder/server.js';

export interface Stack { cluster: Cluster; api: RunningService; stop(): Promise<void> }

export async function startStack(opts: { nodes?: number; tune?: (c: CinderConfig) => void } = {}): Promise<Stack> {
  const cluster = await startCluster(opts.nodes ?? 3);
  const cfg = defaultConfig();
  cfg.listenAddr = '127.0.0.1';
  cfg.port = 0;
  cfg.controllers = cluster.ctl.url;
  cfg.linstor.defaultLayerList = ['storage'];
  cfg.linstor.defaultStoragePool = cluster.pool;
  cfg.linstor.timeoutMs = 60_000;
  // The cinder CLI runs in noauth mode here (no Keystone); the service must be told so.
  cfg.auth.strategy = 'noauth';
  cfg.auth.noauthAdmin = true;
  opts.tune?.(cfg);
  let api: RunningService;
  try {
    api = await startService(cfg, pino({ level: process.env.CINDER_TEST_LOG ?? 'silent', base: { component: 'cinder-api' } }));
  } catch (e) { await cluster.teardown(); throw e; }
  return { cluster, api, async stop() { await api.close().catch(() => undefined); await cluster.teardown(); } };
}

export interface CliResult { code: number; stdout: string; stderr: string }

/** Runs the real `cinder` CLI against the service, as contracts §3.6 describes. */
export function cinder(api: RunningService, args: string[], opts: { project?: string; user?: string; version?: string; pathProject?: boolean } = {}): Promise<CliResult> {
  const project = opts.project ?? 'demo';
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root',
    OS_AUTH_TYPE: 'noauth', CINDER_ENDPOINT: `${api.url}/v3${opts.pathProject ? `/${project}` : ''}`,
    OS_PROJECT_ID: project, OS_USER_ID: opts.user ?? 'tester', OS_VOLUME_API_VERSION: opts.version ?? '3.70',
  };
  return new Promise((res) => {
    execFile('cinder', args, { env, timeout: 60_000 }, (err, stdout, stderr) => {
      res({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0, stdout, stderr });
    });
  });
}

/** Reads cinder's "| Property | Value |" table into an object. */
export function props(table: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of table.split('\n')) {
    const m = /^\|\s*(\S[^|]*?)\s*\|\s*(.*?)\s*\|$/.exec(line);
    if (m && m[1] !== 'Property') out[m[1]!] = m[2]!;
  }
  return out;
}

/** Reads a list table into rows keyed by header. */
export function rows(table: string): Record<string, string>[] {
  const lines = table.split('\n').filter((l) => l.startsWith('|'));
  if (!lines.length) return [];
  const cells = (l: string): string[] => l.slice(1, -1).split('|').map((s) => s.trim());
  const head = cells(lines[0]!);
  return lines.slice(1).map((l) => Object.fromEntries(cells(l).map((c, i) => [head[i], c])));
}

export interface Http { status: number; headers: Headers; body: any }

export async function http(api: RunningService, method: string, path: string, opts: { body?: unknown; token?: string; version?: string } = {}): Promise<Http> {
  const headers: Record<string, string> = { 'x-auth-token': opts.token ?? 'tester:demo', accept: 'application/json' };
  if (opts.version) headers['openstack-api-version'] = `volume ${opts.version}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(`${api.url}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const text = await r.text();
  let body: unknown = text;
  try { body = text ? JSON.parse(text) : undefined; } catch { /* keep text */ }
  return { status: r.status, headers: r.headers, body };
}

/** Polls a volume (or snapshot) until its status is one of `want`. */
export async function waitStatus(api: RunningService, kind: 'volumes' | 'snapshots' | 'backups', id: string, want: string[], opts: { token?: string; timeoutMs?: number } = {}): Promise<any> {
  const end = Date.now() + (opts.timeoutMs ?? 60_000);
  const key = kind.slice(0, -1);
  let last: any;
  for (;;) {
    const r = await http(api, 'GET', `/v3/${kind}/${id}`, { token: opts.token, version: '3.70' });
    last = r.status === 200 ? r.body[key] : r;
    if (r.status === 404 && want.includes('deleted')) return undefined;
    if (r.status === 200 && want.includes(last.status)) return last;
    if (Date.now() > end) throw new Error(`${kind} ${id} not ${want.join('/')}: ${JSON.stringify(last)}`);
    await new Promise((res) => setTimeout(res, 150));
  }
}
