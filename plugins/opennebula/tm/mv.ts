/**
 * tm mv `src_host:path dst_host:path vmid dsid`: a disk moves with its VM (undeploy, stop,
 * resume, cold migration): attach on the new host and link there, then unlink and detach on
 * the old one. The VM folder itself (dsid = system datastore) is copied to the new host with
 * its files and the LINSTOR disk links re-made there, then removed on the old host
 * (lib/vm-folder.ts). Disk links are made by whichever of the two calls comes second too.
 */
import { diskIdOf, requireArg, vmHostPath } from '../lib/args.js';
import { tmContext } from '../lib/context.js';
import { logInfo } from '../lib/log.js';
import { showVm } from '../lib/one-cli.js';
import { diskResource, linkOnHost, unlinkOnHost } from '../lib/tm.js';
import { moveVmFolder } from '../lib/vm-folder.js';
import { runAction } from '../run.js';

export async function mv(argv: string[]): Promise<void> {
  const vmId = requireArg(argv, 2, 'vm id');
  const src = vmHostPath(argv[0], '$1 (src_host:path)', vmId);
  const dst = vmHostPath(argv[1], '$2 (dst_host:path)', vmId);
  const ctx = await tmContext(requireArg(argv, 3, 'datastore id'));
  const diskId = diskIdOf(dst.path);
  try {
    if (src.host === dst.host && src.path === dst.path) { logInfo('source and destination are the same; nothing to do'); return; }
    if (diskId === undefined) {
      await moveVmFolder(ctx, await showVm(vmId), src, dst);
      return;
    }
    const d = await diskResource(vmId, diskId);
    const device = await ctx.linstor.attach(d.name, dst.host);
    await linkOnHost(ctx.hosts, dst.host, device, dst.path);
    if (src.host !== dst.host) {
      await unlinkOnHost(ctx.hosts, src.host, src.path);
      await ctx.linstor.detach(d.name, src.host);
    }
  } finally { ctx.hosts.closeAll(); }
}

await runAction('tm', import.meta.url, mv);
