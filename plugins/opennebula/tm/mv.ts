/**
 * tm mv `src_host:path dst_host:path vmid dsid`: a disk moves with its VM (undeploy, stop,
 * resume, cold migration): attach on the new host and link there, then unlink and detach on
 * the old one. For the VM folder only the folder is created (the disks follow one by one).
 */
import { diskIdOf, hostPath, requireArg } from '../lib/args.js';
import { tmContext } from '../lib/context.js';
import { logInfo } from '../lib/log.js';
import { diskResource, linkOnHost, unlinkOnHost } from '../lib/tm.js';
import { runAction } from '../run.js';

export async function mv(argv: string[]): Promise<void> {
  const src = hostPath(argv[0], '$1 (src_host:path)');
  const dst = hostPath(argv[1], '$2 (dst_host:path)');
  const vmId = requireArg(argv, 2, 'vm id');
  const ctx = await tmContext(requireArg(argv, 3, 'datastore id'));
  const diskId = diskIdOf(dst.path);
  try {
    if (diskId === undefined) {
      await (await ctx.hosts.runner(dst.host)).run(['mkdir', '-p', dst.path]);
      return;
    }
    const d = await diskResource(vmId, diskId);
    if (src.host === dst.host && src.path === dst.path) { logInfo('source and destination are the same; nothing to do'); return; }
    const device = await ctx.linstor.attach(d.name, dst.host);
    await linkOnHost(ctx.hosts, dst.host, device, dst.path);
    if (src.host !== dst.host) {
      await unlinkOnHost(ctx.hosts, src.host, src.path);
      await ctx.linstor.detach(d.name, src.host);
    }
  } finally { ctx.hosts.closeAll(); }
}

await runAction('tm', import.meta.url, mv);
