/**
 * A TCP proxy for the controller→satellite link that can lose or reorder the controller's
 * messages (newline-delimited JSON), so tests see what the satellite does when the network or
 * a middlebox misbehaves. The satellite's answers pass through untouched.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

type Rule = { kind: 'drop' | 'hold'; match: (msg: { type: string }) => boolean };

export class LineProxy {
  private readonly rules: Rule[] = [];
  private held: string | undefined;
  private readonly sockets = new Set<Socket>();
  /** Every controller message type seen, with what happened to it. */
  readonly log: string[] = [];

  private constructor(private readonly server: Server, readonly port: number) {}

  static async start(listenHost: string, targetHost: string, targetPort: number): Promise<LineProxy> {
    let proxy!: LineProxy;
    const server = createServer((client) => proxy.accept(client, targetHost, targetPort));
    await new Promise<void>((r) => server.listen(0, listenHost, () => r()));
    proxy = new LineProxy(server, (server.address() as { port: number }).port);
    return proxy;
  }

  /** The next controller message that matches is lost. */
  dropNext(match: (msg: { type: string }) => boolean): void { this.rules.push({ kind: 'drop', match }); }

  /** The next matching message is held back and delivered right after the message that follows it. */
  holdNext(match: (msg: { type: string }) => boolean): void { this.rules.push({ kind: 'hold', match }); }

  private accept(client: Socket, host: string, port: number): void {
    const upstream = connect({ host, port });
    this.sockets.add(client).add(upstream);
    upstream.pipe(client);
    let buf = '';
    client.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl + 1);
        buf = buf.slice(nl + 1);
        this.forward(line, upstream);
      }
    });
    const close = () => { client.destroy(); upstream.destroy(); this.sockets.delete(client); this.sockets.delete(upstream); };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  }

  private forward(line: string, upstream: Socket): void {
    const msg = JSON.parse(line) as { type: string; seq?: number };
    const i = this.rules.findIndex((r) => r.match(msg));
    if (i >= 0) {
      const rule = this.rules.splice(i, 1)[0]!;
      this.log.push(`${rule.kind} ${msg.type} ${msg.seq ?? ''}`);
      if (rule.kind === 'hold') this.held = line;
      return;
    }
    upstream.write(line);
    if (this.held && msg.type !== 'ping' && msg.type !== 'pong') {
      upstream.write(this.held);
      this.log.push('released held message');
      this.held = undefined;
    }
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((r) => this.server.close(() => r()));
  }
}
