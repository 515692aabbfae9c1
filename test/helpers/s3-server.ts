/**
 * A real S3-protocol server (s3rver) on a loopback port with its objects in the test's own temp
 * folder, and a TCP proxy in front of it that can stall an upload halfway (for crash tests).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

export const S3_ACCESS = 'S3RVER';
export const S3_SECRET = 'S3RVER';

export interface S3Server { url: string; port: number; dir: string; objectFile(bucket: string, key: string): string; close(): Promise<void> }

export async function startS3(buckets: string[]): Promise<S3Server> {
  const dir = mkdtempSync(join(tmpdir(), 's3rver-'));
  // s3rver is CommonJS without types.
  const S3rver = createRequire(import.meta.url)('s3rver') as new (o: Record<string, unknown>) => { run(): Promise<{ port: number }>; close(): Promise<void> };
  const srv = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: buckets.map((name) => ({ name })) });
  const { port } = await srv.run();
  return {
    url: `http://127.0.0.1:${port}`, port, dir,
    objectFile: (bucket, key) => join(dir, bucket, `${key}._S3rver_object`),
    async close() { await srv.close().catch(() => undefined); rmSync(dir, { recursive: true, force: true }); },
  };
}

/** Forwards to the S3 server; `stallAfter(n)`: client bytes beyond the next n are held back (an upload hangs halfway). */
export class StallProxy {
  private budget = Infinity;
  private readonly sockets = new Set<Socket>();
  forwarded = 0;
  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(targetPort: number): Promise<StallProxy> {
    let p!: StallProxy;
    const server = createServer((c) => p.accept(c, targetPort));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    p = new StallProxy(server, `http://127.0.0.1:${(server.address() as { port: number }).port}`);
    return p;
  }

  stallAfter(bytes: number): void { this.budget = this.forwarded + bytes; }
  passAll(): void { this.budget = Infinity; }

  private accept(client: Socket, port: number): void {
    const up = connect({ host: '127.0.0.1', port });
    this.sockets.add(client).add(up);
    up.on('data', (d: Buffer) => client.write(d));
    client.on('data', (d: Buffer) => {
      if (this.forwarded + d.length > this.budget) { client.pause(); return; } // held: the sender blocks
      this.forwarded += d.length;
      up.write(d);
    });
    const close = () => { client.destroy(); up.destroy(); this.sockets.delete(client); this.sockets.delete(up); };
    client.on('error', close).on('close', close);
    up.on('error', close).on('close', close);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
