/**
 * tm delete `host:dir/disk.i vmid dsid` or `host:dir vmid dsid`: unlink the disk and drop
 * the host's diskless attachment; copies of non-persistent images and volatile disks are
 * deleted. For the VM folder, the folder goes. Running twice finds nothing left to do.
 */
import { diskIdOf, requireArg, vmHostPath } from '../lib/args.js';
import { tmContext } from '../lib/context.js';
import { logInfo } from '../lib/log.js';
import { diskResource, unlinkOnHost } from '../lib/tm.js';
import { runAction } from '../run.js';

export async function del(argv: string[]): Promise<void> {
  const vmId = requireArg(argv, 1, 'vm id');
  const dst = vmHostPath(argv[0], '$1 (host:path)', vmId);
  const ctx = await tmContext(requireArg(argv, 2, 'datastore id'));
  const diskId = diskIdOf(dst.path);
  try {
    await unlinkOnHost(ctx.hosts, dst.host, dst.path, diskId === undefined);
    if (diskId === undefined) { logInfo(`removed VM folder ${dst.path} on ${dst.host}`); return; }
    const d = await diskResource(vmId, diskId);
    await ctx.linstor.detach(d.name, dst.host);
    if (!d.persistent && !d.cdrom) await ctx.linstor.remove(d.name);
  } finally { ctx.hosts.closeAll(); }
}

await runAction('tm', import.meta.url, del);
