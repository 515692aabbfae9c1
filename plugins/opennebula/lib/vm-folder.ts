/**
 * Moving a VM folder of the system datastore between hosts (tm mv of `…/<vmid>` at undeploy,
 * stop, resume and cold migration), as OpenNebula's ssh TM does: the destination folder is
 * replaced by a tar copy of the source folder (checkpoint, context ISO, deployment files),
 * streamed source → front-end → destination over the two SSH connections, and the source
 * folder is removed. Links of LINSTOR disks would still name the source's device (without
 * DRBD each node has its own device path), so they are made again on the destination.
 */
import type { HostPath } from './args.js';
import type { Hosts } from './hosts.js';
import type { OneLinstor } from './linstor.js';
import { DriverError, logInfo } from './log.js';
import type { VmInfo } from './one-cli.js';
import { linkOnHost, linstorDisks } from './tm.js';

export async function copyFolder(hosts: Hosts, src: HostPath, dst: HostPath): Promise<boolean> {
  const from = await hosts.runner(src.host);
  const to = await hosts.runner(dst.host);
  const present = await from.run(['test', '-d', src.path], { okExitCodes: [0, 1] });
  // A retried mv finds the source already gone: the destination is what is left to complete.
  await to.run(['rm', '-rf', dst.path]);
  await to.run(['mkdir', '-p', dst.path]);
  if (present.exitCode !== 0) { logInfo(`${src.host}:${src.path} does not exist (already moved?); created ${dst.path} on ${dst.host}`); return false; }
  const tar = await from.readable(['tar', '-C', src.path, '--sparse', '-cf', '-', '.']);
  try {
    await to.stream(['tar', '-C', dst.path, '--sparse', '-xf', '-'], { inputStream: tar.stdout, timeoutMs: 6 * 3600_000 });
    await tar.done;
  } catch (e) {
    throw new DriverError(`copying ${src.host}:${src.path} to ${dst.host}:${dst.path} failed: ${(e as Error).message}`, `check free space in ${dst.path} on ${dst.host} and that tar is installed on both hosts`);
  }
  logInfo(`copied ${src.host}:${src.path} to ${dst.host}:${dst.path}`);
  return true;
}

/** The whole move: copy, re-link every LINSTOR disk to the destination's device, remove the source. */
export async function moveVmFolder(ctx: { hosts: Hosts; linstor: OneLinstor }, vm: VmInfo, src: HostPath, dst: HostPath): Promise<void> {
  const copied = await copyFolder(ctx.hosts, src, dst);
  for (const d of linstorDisks(vm)) {
    if (!(await ctx.linstor.exists(d.name))) { logInfo(`disk ${d.diskId} (${d.name}) has no LINSTOR resource; not linked`); continue; }
    const device = await ctx.linstor.attach(d.name, dst.host);
    await linkOnHost(ctx.hosts, dst.host, device, `${dst.path}/disk.${d.diskId}`);
  }
  if (copied) {
    // rm -rf on the folder removes the links, never the devices they point at.
    await (await ctx.hosts.runner(src.host)).run(['rm', '-rf', src.path]);
    logInfo(`removed ${src.path} on ${src.host}`);
  }
}
