/**
 * `linstor-pve-hook --serve SOCKET`: the same hooks behind a local unix socket, so a call
 * costs a connect instead of starting Node (see README, "Per-call cost"). One request per
 * connection: the shim writes the JSON request, shuts down its write side, reads the answer.
 * The socket is created mode 0600: only root (the PVE daemons) may use it.
 */
import { chmodSync, mkdirSync, unlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { dirname } from 'node:path';
import pino from 'pino';
import { handleRequest } from './handle.js';

const MAX_REQUEST_BYTES = 1024 * 1024;

export async function serve(socketPath: string): Promise<Server> {
  const log = pino({ level: process.env.LINSTOR_LOG_LEVEL ?? 'info', base: { component: 'proxmox-hook' } }, pino.destination(2));
  mkdirSync(dirname(socketPath), { recursive: true });
  try { unlinkSync(socketPath); } catch { /* no stale socket */ }
  // allowHalfOpen: the shim half-closes after its request and still reads the answer.
  const server = createServer({ allowHalfOpen: true }, (conn) => {
    const chunks: Buffer[] = [];
    let size = 0;
    conn.on('data', (c: Buffer) => {
      size += c.length;
      // A PVE request is a few KiB: anything this large is not one, and is not buffered.
      if (size > MAX_REQUEST_BYTES) {
        if (!conn.writableEnded) conn.end(`${JSON.stringify({ error: `linstor-pve-hook: request larger than ${MAX_REQUEST_BYTES} bytes` })}\n`);
        conn.destroySoon();
        return;
      }
      chunks.push(c);
    });
    conn.on('error', (e) => log.warn({ err: e.message }, 'hook connection failed'));
    conn.on('end', () => {
      if (size > MAX_REQUEST_BYTES) return;
      void handleRequest(Buffer.concat(chunks).toString('utf8'), log).then(({ code, reply }) => {
        if (code !== 0) log.warn({ code, error: reply.error }, 'hook failed');
        conn.end(`${JSON.stringify(reply)}\n`);
      });
    });
  });
  await new Promise<void>((res, rej) => { server.once('error', rej); server.listen(socketPath, () => res()); });
  chmodSync(socketPath, 0o600);
  log.info({ socket: socketPath }, 'linstor-pve-hook serving');
  const stop = (): void => { server.close(); try { unlinkSync(socketPath); } catch { /* gone */ } process.exit(0); };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return server;
}
