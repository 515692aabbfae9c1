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

/**
 * Every signature low-level probing finds on a device (TYPE, USAGE, PTTYPE, ...): filesystems,
 * partition tables, RAID, LVM, LUKS. Empty when the device is blank (blkid exits 2).
 */
export async function deviceSignatures(run: CommandRunner, dev: string): Promise<Record<string, string>> {
  const r = await run.run(['blkid', '-p', '-o', 'export', '--', dev], { okExitCodes: [0, 2], quiet: true });
  const out: Record<string, string> = {};
  if (r.exitCode !== 0) return out;
  for (const line of r.stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/** Only for a device that holds no signature at all (stage.ts checks): mkfs never forces. */
export async function mkfs(run: CommandRunner, fs: string, dev: string, extra: readonly string[] = []): Promise<void> {
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
