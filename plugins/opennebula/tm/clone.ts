/**
 * tm clone `fe:SOURCE host:dir/disk.i vmid dsid`: non-persistent image: copy SOURCE to
 * `<SOURCE>-vm<vmid>-disk<i>` (clone API), attach it on the host and link disk.i.
 * Running twice reuses the existing copy.
 */
import { diskIdOf, hostPath, requireArg, vmHostPath } from '../lib/args.js';
import { cloneResource } from '../lib/clone.js';
import { tmContext } from '../lib/context.js';
import { DriverError, logInfo } from '../lib/log.js';
import { showVm } from '../lib/one-cli.js';
import { linkOnHost } from '../lib/tm.js';
import { runAction } from '../run.js';

export async function clone(argv: string[]): Promise<void> {
  const src = hostPath(argv[0], '$1 (fe:SOURCE)').path;
  const vmId = requireArg(argv, 2, 'vm id');
  const dst = vmHostPath(argv[1], '$2 (host:path)', vmId);
  const diskId = diskIdOf(dst.path);
  if (diskId === undefined) throw new DriverError(`$2 '${argv[1]}' does not end in /disk.<id>`, 'oned passes host:<system ds>/<vmid>/disk.<id>');
  const ctx = await tmContext(requireArg(argv, 3, 'datastore id'));
  const name = `${src}-vm${vmId}-disk${diskId}`;
  try {
    if (await ctx.linstor.exists(name)) logInfo(`${name} exists already; reusing it`);
    else {
      // A DISK SIZE larger than the image asks for a bigger copy.
      const size = await showVm(vmId).then((vm) => vm.disks.find((d) => d.diskId === diskId)?.size).catch(() => undefined);
      await cloneResource(ctx, src, name, size);
    }
    const device = await ctx.linstor.attach(name, dst.host);
    await linkOnHost(ctx.hosts, dst.host, device, dst.path);
  } finally { ctx.hosts.closeAll(); }
}

await runAction('tm', import.meta.url, clone);
