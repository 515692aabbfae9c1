/**
 * Benchmark only: a command runner that answers `losetup` from an in-memory table instead of
 * the kernel, in the output formats recorded from util-linux 2.38.1 on this machine
 * (`--find --show`, `--json --list`, `-j`, `-c`, `-d`, `--version`). It lets one satellite
 * hold 5,000 FILE_THIN volumes (real sparse files) without 5,000 kernel loop devices; every
 * other command fails as a missing binary would. The bench that uses it says so.
 */
import { ExecError, formatArgv, type CommandRunner, type RunOptions, type RunResult } from '../../core/exec/index.js';

export class SimulatedLosetup implements CommandRunner {
  private readonly byDevice = new Map<string, string>();
  private next = 0;
  private free: number[] = [];
  /** Commands answered, for the bench's own figures. */
  calls = 0;

  async run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    this.calls++;
    const ok = (stdout = '') => ({ stdout, stderr: '', exitCode: 0, durationMs: 0 });
    const fail = (stderr: string, exitCode = 1): never => {
      throw new ExecError(argv, `exited with code ${exitCode}`, { stdout: '', stderr, exitCode, durationMs: 0 });
    };
    if (argv[0] !== 'losetup') return fail(`no simulation for: ${formatArgv(argv)}`, 127);
    const args = argv.slice(1);
    if (args[0] === '--version') return ok('losetup from util-linux 2.38.1\n');
    if (args[0] === '--find' && args[1] === '--show' && args[2]) {
      const n = this.free.shift() ?? this.next++;
      const dev = `/dev/loop${n}`;
      this.byDevice.set(dev, args[2]);
      return ok(`${dev}\n`);
    }
    if (args[0] === '--json' && args[1] === '--list') {
      if (!this.byDevice.size) return ok('');
      const list = [...this.byDevice].map(([name, file]) => ({ name, sizelimit: 0, offset: 0, autoclear: false, ro: false, 'back-file': file, dio: false, 'log-sec': 512 }));
      return ok(`${JSON.stringify({ loopdevices: list }, null, 3)}\n`);
    }
    if (args[0] === '-j' && args[1]) {
      return ok([...this.byDevice].filter(([, f]) => f === args[1]).map(([d, f]) => `${d}: [65024]:1 (${f})\n`).join(''));
    }
    if (args[0] === '-c' && args[1]) return this.byDevice.has(args[1]) ? ok() : fail(`losetup: ${args[1]}: failed to set up loop device: No such device or address`);
    if (args[0] === '-d' && args[1]) {
      if (!this.byDevice.delete(args[1])) return fail(`losetup: ${args[1]}: detach failed: No such device or address`);
      this.free.push(Number(args[1].slice('/dev/loop'.length)));
      return ok();
    }
    void opts;
    return fail(`no simulation for: ${formatArgv(argv)}`, 127);
  }
}
