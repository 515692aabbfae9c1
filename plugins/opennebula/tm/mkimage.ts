/**
 * tm mkimage `size_MB format host:dir/disk.i vmid dsid`: a volatile disk
 * `OpenNebula-Volatile-vm<vmid>-disk<i>` from the (system) datastore's resource group,
 * formatted when `format` names a file system (or swap), attached and linked on the host.
 */
import { diskIdOf, intArg, requireArg, vmHostPath } from '../lib/args.js';
import { makeFilesystem } from '../lib/copy.js';
import { dataNodes, tmContext } from '../lib/context.js';
import { DriverError, logInfo } from '../lib/log.js';
import { linkOnHost } from '../lib/tm.js';
import { runAction } from '../run.js';

const NO_FS = new Set(['', 'raw', 'qcow2', 'none']);

export async function makeVolatile(sizeMiB: number, format: string, dstArg: string | undefined, vmId: string, dsId: string): Promise<void> {
  const dst = vmHostPath(dstArg, 'host:path', vmId);
  const diskId = diskIdOf(dst.path);
  if (diskId === undefined) throw new DriverError(`'${dstArg}' does not end in /disk.<id>`, 'oned passes host:<system ds>/<vmid>/disk.<id>');
  const ctx = await tmContext(dsId);
  const name = `OpenNebula-Volatile-vm${vmId}-disk${diskId}`;
  try {
    if (await ctx.linstor.exists(name)) logInfo(`${name} exists already; reusing it`);
    else {
      await ctx.linstor.deploy(name, sizeMiB);
      if (!NO_FS.has(format)) {
        for (const node of await dataNodes(ctx, name)) {
          await makeFilesystem(await ctx.hosts.runner(node), await ctx.linstor.devicePath(name, node), format);
        }
      }
    }
    const device = await ctx.linstor.attach(name, dst.host);
    await linkOnHost(ctx.hosts, dst.host, device, dst.path);
  } finally { ctx.hosts.closeAll(); }
}

export async function mkimage(argv: string[]): Promise<void> {
  await makeVolatile(intArg(argv, 0, 'size in MB'), requireArg(argv, 1, 'format'), argv[2], requireArg(argv, 3, 'vm id'), requireArg(argv, 4, 'datastore id'));
}

await runAction('tm', import.meta.url, mkimage);
