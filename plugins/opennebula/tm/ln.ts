/** tm ln `fe:SOURCE host:dir/disk.i vmid dsid`: persistent image: attach SOURCE on the host and link disk.i to it. */
import { hostPath, requireArg, vmHostPath } from '../lib/args.js';
import { tmContext } from '../lib/context.js';
import { linkOnHost } from '../lib/tm.js';
import { runAction } from '../run.js';

export async function ln(argv: string[]): Promise<void> {
  const src = hostPath(argv[0], '$1 (fe:SOURCE)').path;
  const dst = vmHostPath(argv[1], '$2 (host:path)', requireArg(argv, 2, 'vm id'));
  const ctx = await tmContext(requireArg(argv, 3, 'datastore id'));
  try {
    const device = await ctx.linstor.attach(src, dst.host);
    await linkOnHost(ctx.hosts, dst.host, device, dst.path);
  } finally { ctx.hosts.closeAll(); }
}

await runAction('tm', import.meta.url, ln);
