#!/usr/bin/env node
/**
 * linstor-pve-hook: answers the Perl shim's storage-plugin calls.
 *   linstor-pve-hook                 one request on stdin, the answer on stdout (exit 1 on failure)
 *   linstor-pve-hook --serve SOCKET  keep running and answer requests on a unix socket
 */
import { handleRequest } from './handle.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--serve');
  if (at >= 0) {
    const { serve } = await import('./serve.js');
    await serve(process.argv[at + 1] ?? '/run/linstor-pve/hook.sock');
    return;
  }
  const { code, reply } = await handleRequest(await readStdin());
  process.stdout.write(`${JSON.stringify(reply)}\n`, () => process.exit(code));
}

void main();
