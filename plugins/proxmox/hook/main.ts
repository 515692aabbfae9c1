#!/usr/bin/env node
/**
 * linstor-pve-hook: the executable the Perl shim runs for every storage-plugin call.
 * stdin:  {"hook": "alloc_image", "storeid": "...", "scfg": {...}, "node": "...", "args": {...}}
 * stdout: {"result": ..., "notices": [...]}; on failure {"error": "..."} and exit code 1.
 */
import { linstorStorage } from '../linstor-storage.js';
import { makeContext, nodeName } from '../context.js';
import { HOOKS, errorText } from './dispatch.js';

const NO_STORAGE_HOOKS = new Set(['parse_volname']);

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function reply(obj: unknown, code: number): void {
  process.stdout.write(`${JSON.stringify(obj)}\n`, () => process.exit(code));
}

async function main(): Promise<void> {
  let req: { hook?: string; storeid?: string; scfg?: Record<string, unknown>; node?: string; args?: Record<string, unknown> };
  try { req = JSON.parse(await readStdin()); } catch (e) { return reply({ error: `linstor-pve-hook: invalid request: ${(e as Error).message}` }, 2); }
  const hook = HOOKS[req.hook ?? ''];
  if (!hook) return reply({ error: `linstor-pve-hook: unknown hook '${req.hook}'` }, 2);
  try {
    // parse_volname gets no storage config from PVE; it needs none.
    const scfg = req.scfg ?? (NO_STORAGE_HOOKS.has(req.hook!) ? { resourcegroup: '-', shared: 1 } : {});
    const { storage, warnings } = linstorStorage(req.storeid ?? '', scfg);
    const ctx = makeContext(storage, { node: nodeName(req.node) });
    for (const w of warnings) ctx.log.warn({ storeid: storage.storeid }, w);
    const result = await hook(ctx, req.args ?? {});
    reply({ result: result ?? null, notices: ctx.notices }, 0);
  } catch (e) {
    reply({ error: `${req.hook}: ${errorText(e)}` }, 1);
  }
}

void main();
