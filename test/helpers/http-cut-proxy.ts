/**
 * A TCP proxy in front of a controller's HTTP port that makes a controller "die" around one
 * request, as a killed leader does, and counts the requests that went through it:
 *  - `loseAnswer`: the next request of `method` reaches the controller (it is applied), then the
 *    connection is cut before the answer gets back;
 *  - `loseRequest`: the next request of `method` is swallowed and the connection cut (never applied);
 *  - otherwise bytes pass both ways.
 * Each HTTP request is written by the client as one chunk that starts with its request line.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

type Mode = { kind: 'loseAnswer' | 'loseRequest'; method: string };

export class HttpCutProxy {
  /** "METHOD /path" of every request that reached the controller through this proxy. */
  readonly forwarded: string[] = [];
  private mode?: Mode;
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(targetPort: number): Promise<HttpCutProxy> {
    let proxy!: HttpCutProxy;
    const server = createServer((client) => proxy.accept(client, targetPort));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    proxy = new HttpCutProxy(server, `http://127.0.0.1:${(server.address() as { port: number }).port}`);
    return proxy;
  }

  loseAnswer(method: string): void { this.mode = { kind: 'loseAnswer', method }; }
  loseRequest(method: string): void { this.mode = { kind: 'loseRequest', method }; }

  private accept(client: Socket, port: number): void {
    const upstream = connect({ host: '127.0.0.1', port });
    this.sockets.add(client).add(upstream);
    let cutOnAnswer = false;
    const close = () => { client.destroy(); upstream.destroy(); this.sockets.delete(client); this.sockets.delete(upstream); };
    upstream.on('data', (d: Buffer) => { if (cutOnAnswer) close(); else client.write(d); });
    client.on('data', (d: Buffer) => {
      const line = /^([A-Z]+) (\S+) HTTP\/1\.[01]\r\n/.exec(d.toString('latin1'));
      if (line && this.mode && line[1] === this.mode.method) {
        const { kind } = this.mode;
        this.mode = undefined;
        if (kind === 'loseRequest') { close(); return; }
        cutOnAnswer = true;
      }
      if (line) this.forwarded.push(`${line[1]} ${line[2]}`);
      upstream.write(d);
    });
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
