/**
 * Mount-table and filesystem helpers for the node service. Every command goes through the
 * CommandRunner (argv arrays, no shell); paths come from the CO and are passed as single
 * arguments after `--` where the tool supports it.
 */
import type { CommandRunner } from '../../../core/exec/index.js';

export interface MountInfo { source: string; fstype: string; options: string[]; target: string }

/** What is mounted exactly at `path`, or undefined. */
export async function mountAt(run: CommandRunner, path: string): Promise<MountInfo | undefined> {
  const r = await run.run(['findmnt', '-n', '-J', '-o', 'SOURCE,FSTYPE,OPTIONS,TARGET', '--mountpoint', path], { okExitCodes: [0, 1], quiet: true });
  if (r.exitCode !== 0 || !r.stdout.trim()) return undefined;
  const fs = (JSON.parse(r.stdout) as { filesystems?: Array<{ source: string; fstype: string; options: string; target: string }> }).filesystems ?? [];
  const last = fs[fs.length - 1];
  if (!last) return undefined;
  // A bind mount of a subtree shows as /dev/loop0[/sub]; the device is what counts.
  return { source: last.source.replace(/\[.*\]$/, ''), fstype: last.fstype, options: last.options.split(','), target: last.target };
}

/** The filesystem signature on a device ('' when blank). blkid exits 2 when it finds none. */
export async function fsTypeOf(run: CommandRunner, dev: string): Promise<string> {
  const r = await run.run(['blkid', '-p', '-s', 'TYPE', '-o', 'value', dev], { okExitCodes: [0, 2], quiet: true });
  return r.exitCode === 0 ? r.stdout.trim() : '';
}

export async function mkfs(run: CommandRunner, fs: string, dev: string, fsOpts?: string): Promise<void> {
  const extra = (fsOpts ?? '').split(/\s+/).filter(Boolean);
  await run.run([`mkfs.${fs}`, '-q', ...extra, dev], { timeoutMs: 300_000 });
}

export async function mount(run: CommandRunner, source: string, target: string, opts: { fstype?: string; options?: string[]; bind?: boolean }): Promise<void> {
  const argv = ['mount'];
  if (opts.bind) argv.push('--bind');
  if (opts.fstype) argv.push('-t', opts.fstype);
  const o = (opts.options ?? []).filter(Boolean);
  if (o.length) argv.push('-o', o.join(','));
  argv.push('--', source, target);
  await run.run(argv);
}

export async function remountReadOnly(run: CommandRunner, target: string): Promise<void> {
  await run.run(['mount', '-o', 'remount,bind,ro', '--', target]);
}

export async function umount(run: CommandRunner, target: string): Promise<void> {
  await run.run(['umount', '--', target], { timeoutMs: 120_000 });
}

export async function deviceSize(run: CommandRunner, dev: string): Promise<bigint> {
  const r = await run.run(['blockdev', '--getsize64', dev], { quiet: true });
  return BigInt(r.stdout.trim());
}
