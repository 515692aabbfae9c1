/**
 * The SSH implementation of core's CommandRunner: the OpenNebula driver runs commands on
 * hosts and storage nodes the same way the satellite runs them locally. argv is quoted for
 * the remote shell, so nothing reaches it unquoted; the host key must be in known_hosts.
 */
import { readFileSync } from 'node:fs';
import { Client, type ConnectConfig } from 'ssh2';
import { auditCommand, ExecError, formatArgv, shellQuote, DEFAULT_TIMEOUT_MS, type CommandRunner, type RunOptions, type RunResult } from '../../../core/exec/index.js';
import { verifyHostKey } from './known-hosts.js';

export interface SshTarget {
  host: string;
  port: number;
  username: string;
  privateKeyPath: string;
  knownHostsPath: string;
  /** Name shown in messages (the OpenNebula host name when it differs from the address). */
  label?: string;
}

export interface StreamOptions extends RunOptions {
  /** Called for each stderr/stdout line as it arrives (progress output). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export class SshRunner implements CommandRunner {
  private client?: Client;
  private connecting?: Promise<Client>;

  constructor(readonly target: SshTarget, private readonly defaultTimeoutMs = DEFAULT_TIMEOUT_MS) {}

  private get name(): string { return this.target.label ?? this.target.host; }

  private connect(): Promise<Client> {
    if (this.client) return Promise.resolve(this.client);
    if (this.connecting) return this.connecting;
    const t = this.target;
    let known: string;
    try { known = readFileSync(t.knownHostsPath, 'utf8'); } catch { known = ''; }
    let privateKey: Buffer;
    try { privateKey = readFileSync(t.privateKeyPath); } catch (e) {
      return Promise.reject(new Error(`cannot read SSH key ${t.privateKeyPath}: ${(e as Error).message}`));
    }
    let rejectedKey = false;
    const cfg: ConnectConfig = {
      host: t.host, port: t.port, username: t.username, privateKey, readyTimeout: 15_000,
      hostVerifier: (key: Buffer) => {
        const ok = verifyHostKey(known, t.host, t.port, key);
        if (!ok) rejectedKey = true;
        return ok;
      },
    };
    this.connecting = new Promise<Client>((resolve, reject) => {
      const c = new Client();
      c.once('ready', () => { this.client = c; resolve(c); });
      c.once('error', (e) => {
        this.connecting = undefined;
        reject(rejectedKey
          ? new Error(`host key of ${this.name} (${t.host}:${t.port}) is not in ${t.knownHostsPath}; verify it and add it (ssh-keyscan -p ${t.port} ${t.host} >> ${t.knownHostsPath})`)
          : new Error(`SSH to ${this.name} (${t.username}@${t.host}:${t.port}) failed: ${e.message}`));
      });
      c.connect(cfg);
    });
    return this.connecting;
  }

  run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    return this.stream(argv, opts);
  }

  /** Runs argv remotely; input may be a string or a stream; lines are reported as they arrive. */
  async stream(argv: readonly string[], opts: StreamOptions & { inputStream?: NodeJS.ReadableStream } = {}): Promise<RunResult> {
    if (argv.length === 0) throw new TypeError('SshRunner.run: empty argv');
    auditCommand(argv, this.name);
    const client = await this.connect();
    const envPrefix = Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${shellQuote(v)}`).join(' ');
    const command = `${envPrefix ? `env ${envPrefix} ` : ''}${formatArgv(argv)}`;
    const started = Date.now();
    const timeoutMs = opts.timeoutMs ?? this.defaultTimeoutMs;
    return new Promise<RunResult>((resolve, reject) => {
      client.exec(command, (err, ch) => {
        if (err) { reject(new ExecError(argv, `could not be started on ${this.name}: ${err.message}`)); return; }
        const out: Buffer[] = [];
        const errb: Buffer[] = [];
        let timedOut = false;
        const timer = setTimeout(() => { timedOut = true; ch.close(); }, timeoutMs);
        const splitter = (stream: 'stdout' | 'stderr') => {
          let partial = '';
          return (b: Buffer) => {
            (stream === 'stdout' ? out : errb).push(b);
            if (!opts.onLine) return;
            partial += b.toString('utf8');
            const lines = partial.split(/[\r\n]/);
            partial = lines.pop() ?? '';
            for (const l of lines) if (l.trim()) opts.onLine(l, stream);
          };
        };
        ch.on('data', splitter('stdout'));
        ch.stderr.on('data', splitter('stderr'));
        let exitCode = -1;
        ch.on('exit', (code: number | null) => { exitCode = code ?? 128; });
        ch.on('close', () => {
          clearTimeout(timer);
          const result: RunResult = { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(errb).toString('utf8'), exitCode, durationMs: Date.now() - started };
          if (!timedOut && (opts.okExitCodes ?? [0]).includes(exitCode)) resolve(result);
          else reject(new ExecError(argv, timedOut ? `timed out after ${timeoutMs} ms on ${this.name}` : `exited with code ${exitCode} on ${this.name}`, result, timedOut));
        });
        if (opts.inputStream) opts.inputStream.pipe(ch);
        else if (opts.input !== undefined) ch.end(opts.input);
        else ch.end();
      });
    });
  }

  /**
   * Starts argv remotely and hands back its stdout as a stream (for host-to-host copies
   * through the front-end, e.g. tar | tar); `done` settles when the command has exited.
   */
  async readable(argv: readonly string[]): Promise<{ stdout: NodeJS.ReadableStream; done: Promise<RunResult> }> {
    auditCommand(argv, this.name);
    const client = await this.connect();
    const command = formatArgv(argv);
    const started = Date.now();
    return new Promise((resolve, reject) => {
      client.exec(command, (err, ch) => {
        if (err) { reject(new ExecError(argv, `could not be started on ${this.name}: ${err.message}`)); return; }
        const errb: Buffer[] = [];
        ch.stderr.on('data', (b: Buffer) => errb.push(b));
        let exitCode = -1;
        ch.on('exit', (code: number | null) => { exitCode = code ?? 128; });
        const done = new Promise<RunResult>((res, rej) => {
          ch.on('close', () => {
            const result: RunResult = { stdout: '', stderr: Buffer.concat(errb).toString('utf8'), exitCode, durationMs: Date.now() - started };
            if (exitCode === 0) res(result); else rej(new ExecError(argv, `exited with code ${exitCode} on ${this.name}`, result));
          });
        });
        done.catch(() => {});
        ch.end();
        resolve({ stdout: ch, done });
      });
    });
  }

  /** Copies a local file to the remote path over SFTP, reporting transferred bytes. */
  async upload(localPath: string, remotePath: string, onProgress?: (done: number, total: number) => void): Promise<void> {
    const client = await this.connect();
    await new Promise<void>((resolve, reject) => {
      client.sftp((err, sftp) => {
        if (err) { reject(err); return; }
        sftp.fastPut(localPath, remotePath, { step: (done, _chunk, total) => onProgress?.(done, total) }, (e) => {
          sftp.end();
          if (e) reject(new Error(`upload of ${localPath} to ${this.name}:${remotePath} failed: ${e.message}`));
          else resolve();
        });
      });
    });
  }

  close(): void {
    this.client?.end();
    this.client = undefined;
  }

  describe(argv: readonly string[]): string { return `${this.name}: ${formatArgv(argv)}`; }
}
