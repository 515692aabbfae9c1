/** tm mvds `host:dir/disk.i fe:SOURCE vmid dsid`: detach of a persistent disk: unlink and drop the host's attachment. */
import { diskIdOf, hostPath, requireArg, vmHostPath } from '../lib/args.js';
import { tmContext } from '../lib/context.js';
import { runAction } from '../run.js';
import { unlinkOnHost } from '../lib/tm.js';

export async function mvds(argv: string[]): Promise<void> {
  const src = vmHostPath(argv[0], '$1 (host:path)', requireArg(argv, 2, 'vm id'));
  const source = hostPath(argv[1], '$2 (fe:SOURCE)').path;
  requireArg(argv, 2, 'vm id');
  const ctx = await tmContext(requireArg(argv, 3, 'datastore id'));
  try {
    await unlinkOnHost(ctx.hosts, src.host, src.path, diskIdOf(src.path) === undefined);
    await ctx.linstor.detach(source, src.host);
  } finally { ctx.hosts.closeAll(); }
}

await runAction('tm', import.meta.url, mvds);
