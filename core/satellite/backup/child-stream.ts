/**
 * An external command as one stage of a stream pipeline (zstd, `zfs send`, `thin_recv`, ...):
 * bytes written go to its stdin, its stdout is what can be read. Spawned from an argv array (no
 * shell), recorded in the exec audit trail like every other command.
 *
 * Why not CommandRunner: that one buffers whole outputs; backup streams are gigabytes.
 *
 * Failure rules, so a pipeline never reports success for a broken stream and never leaves a
 * process behind:
 * - the readable side ends only after the command exited with code 0; any other exit (or a
 *   failed start) destroys the stream with an error naming the command and its stderr;
 * - a command that only consumes (no output) finishes its writable side only after exit 0;
 * - destroying the stream (pipeline error, abort) kills the command with SIGKILL, and the
 *   stream's `exited` promise resolves once the process is gone (awaited: no zombie).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Duplex } from 'node:stream';
import { auditCommand, formatArgv } from '../../exec/index.js';

export interface ChildStreamOptions {
  /** Feeds written bytes to stdin (default true); false: stdin is /dev/null and nothing may be written. */
  input?: boolean;
  /** Its stdout is readable (default true); false: stdout is discarded, only the exit code counts. */
  output?: boolean;
}

export class ChildStream extends Duplex {
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<void>;
  readonly pid: number | undefined;
  private readonly child: ChildProcess;
  private stderr = '';
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private failure: Error | undefined;

  constructor(readonly argv: readonly string[], opts: ChildStreamOptions = {}) {
    const input = opts.input ?? true;
    const output = opts.output ?? true;
    // Node's Duplex takes readable/writable (one-sided commands); @types/node lacks them.
    super({ readable: output, writable: input } as ConstructorParameters<typeof Duplex>[0]);
    if (argv.length === 0) throw new TypeError('ChildStream: empty argv');
    auditCommand(argv);
    this.child = spawn(argv[0]!, argv.slice(1), {
      env: { ...process.env, LC_ALL: 'C' },
      stdio: [input ? 'pipe' : 'ignore', output ? 'pipe' : 'ignore', 'pipe'],
    });
    this.pid = this.child.pid;
    this.child.stderr!.on('data', (b: Buffer) => { if (this.stderr.length < 4000) this.stderr += b.toString('utf8'); });
    // EPIPE when the command stops reading early: its exit code tells what went wrong.
    this.child.stdin?.on('error', () => undefined);
    if (output) this.child.stdout!.on('data', (b: Buffer) => { if (!this.push(b)) this.child.stdout!.pause(); });
    this.exited = new Promise((resolve) => {
      let startError: Error | undefined;
      this.child.once('error', (e) => { startError = e; });
      this.child.once('close', (code, signal) => {
        this.exit = { code: startError ? -1 : code, signal };
        if (startError) this.failure = new Error(`${formatArgv(argv)} could not be started: ${startError.message}`);
        else if (code !== 0) this.failure = new Error(`${formatArgv(argv)} ${code === null ? `was killed by ${signal}` : `exited with code ${code}`}${this.stderr.trim() ? `: ${this.stderr.trim().slice(0, 500)}` : ''}`);
        resolve();
        if (this.failure) this.destroy(this.failure);
        else if (output) this.push(null);
      });
      // 'close' follows 'error' for a failed spawn; nothing else to do here.
    });
  }

  /** The error this command ended with (undefined while running or after a clean exit). */
  get error(): Error | undefined { return this.failure; }

  override _read(): void { this.child.stdout?.resume(); }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    if (this.exit) { cb(this.failure ?? new Error(`${formatArgv(this.argv)} ended before reading all its input`)); return; }
    this.child.stdin!.write(chunk, (e) => {
      if (!e) { cb(); return; }
      void this.exited.then(() => cb(this.failure ?? e));
    });
  }

  override _final(cb: (e?: Error | null) => void): void {
    this.child.stdin?.end();
    // A consumer (`zfs recv`) has received everything only when it exited with 0.
    void this.exited.then(() => cb(this.failure));
  }

  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    if (!this.exit) this.child.kill('SIGKILL');
    // A paused stdout never reads its EOF, and the child's 'close' waits for it: drop our ends.
    this.child.stdout?.destroy();
    this.child.stdin?.destroy();
    void this.exited.then(() => cb(err));
  }
}
