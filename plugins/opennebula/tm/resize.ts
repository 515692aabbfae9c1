/** tm resize `host:dir/disk.i size_MB vmid dsid`: grows the disk's volume (LINSTOR grows every replica). */
import { diskIdOf, intArg, requireArg, vmHostPath } from '../lib/args.js';
import { tmContext } from '../lib/context.js';
import { DriverError } from '../lib/log.js';
import { diskResource } from '../lib/tm.js';
import { runAction } from '../run.js';

await runAction('tm', import.meta.url, async (argv) => {
  const disk = vmHostPath(argv[0], '$1 (host:path)', requireArg(argv, 2, 'vm id'));
  const size = intArg(argv, 1, 'size in MB');
  const diskId = diskIdOf(disk.path);
  if (diskId === undefined) throw new DriverError(`$1 '${argv[0]}' does not end in /disk.<id>`);
  const d = await diskResource(requireArg(argv, 2, 'vm id'), diskId);
  const ctx = await tmContext(requireArg(argv, 3, 'datastore id'));
  const cur = await ctx.linstor.sizeMiB(d.name);
  if (size < cur) throw new DriverError(`${d.name} is ${cur} MiB; shrinking to ${size} MiB is not supported`, 'give a size larger than the current one');
  if (size > cur) await ctx.linstor.resize(d.name, size);
});
