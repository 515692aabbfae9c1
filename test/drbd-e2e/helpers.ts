/**
 * Helpers for DRBD end-to-end tests: the satellites of test/placement-e2e/cluster.ts run in
 * their own UTS + mount namespaces (own hostname, own /var/lib/linstor.d), so their .res files
 * are read with `nsenter` into that satellite's namespaces, and `drbdadm` runs there too
 * (its `on <host>` sections must match that hostname).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { PNode } from '../placement-e2e/cluster.js';

export interface Run { code: number; stdout: string; stderr: string }

export function run(argv: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Runs a command inside the satellite's UTS and mount namespaces (as on that "machine"). */
export function onNode(node: PNode, argv: string[]): Promise<Run> {
  const pid = node.sat.proc.pid;
  if (!pid) throw new Error(`satellite ${node.name} has no pid`);
  return run(['nsenter', '-t', String(pid), '-u', '-m', '--', ...argv]);
}

/** The .res file the satellite wrote for `rsc`, or undefined when there is none. */
export async function resFile(node: PNode, rsc: string): Promise<string | undefined> {
  const r = await onNode(node, ['cat', `/var/lib/linstor.d/${rsc}.res`]);
  return r.code === 0 ? r.stdout : undefined;
}

/** `drbdadm dump` of the satellite's own file, run on its host: exit code and the normalised dump. */
export function drbdadmDump(node: PNode, rsc: string): Promise<Run> {
  return onNode(node, ['drbdadm', '-c', `/var/lib/linstor.d/${rsc}.res`, 'dump', rsc]);
}

/** The body of a named `section {` ... `}` (first match, brace-balanced). */
export function section(text: string, header: RegExp, from = 0): { body: string; end: number } | undefined {
  const m = new RegExp(header.source, 'm').exec(text.slice(from));
  if (!m) return undefined;
  let i = text.indexOf('{', from + m.index);
  const start = i + 1;
  let depth = 1;
  while (depth > 0 && ++i < text.length) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}') depth--;
  }
  return { body: text.slice(start, i), end: i + 1 };
}

/** All `connection { ... }` bodies of a .res file. */
export function connections(text: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (;;) {
    const s = section(text, /^\s*connection\s*$/, from);
    if (!s) return out;
    out.push(s.body);
    from = s.end;
  }
}

/** dist/core/cli/main.js seen from dist/test/drbd-e2e/. */
export const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'core', 'cli', 'main.js');

/** The real `linstor` command against the test controller. */
export function linstor(url: string, args: string[]): Promise<Run> {
  return run([process.execPath, CLI, '--controllers', url, ...args], { LINSTOR_CLIENT_CONF: '/nonexistent', LS_CONTROLLERS: '' });
}
