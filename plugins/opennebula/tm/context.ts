/**
 * tm context `file… host:<location>/<ds id>/<vm id>/disk.<i> vmid dsid`: builds the context
 * ISO on the front-end and copies it to the host as that disk file (what OpenNebula's ssh
 * driver does; addon-linstor hands the action to that driver). Only a disk path inside the
 * VM's own folder is written.
 */
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { diskIdOf, requireArg, vmHostPath } from '../lib/args.js';
import { buildContextIso } from '../lib/context-iso.js';
import { tmContext } from '../lib/context.js';
import { DriverError, logInfo } from '../lib/log.js';
import { runAction } from '../run.js';

export async function context(argv: string[]): Promise<void> {
  if (argv.length < 3) throw new DriverError('tm context needs the context files, then host:path, vm id and datastore id');
  const vmId = requireArg(argv, argv.length - 2, 'vm id');
  const dst = vmHostPath(argv[argv.length - 3], 'host:path of the context disk', vmId);
  if (diskIdOf(dst.path) === undefined) throw new DriverError(`'${argv[argv.length - 3]}' does not end in /disk.<id>`);
  const ctx = await tmContext(requireArg(argv, argv.length - 1, 'datastore id'));
  const { iso, dir } = await buildContextIso(argv.slice(0, -3));
  try {
    const r = await ctx.hosts.runner(dst.host);
    await r.run(['mkdir', '-p', dirname(dst.path)]);
    // Upload beside the target, then rename: the VM never sees a half-written ISO.
    await r.run(['rm', '-f', `${dst.path}.tmp`]);
    await r.upload(iso, `${dst.path}.tmp`);
    await r.run(['mv', '-f', `${dst.path}.tmp`, dst.path]);
    logInfo(`context ISO (${argv.length - 3} file(s)) written to ${dst.host}:${dst.path}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    ctx.hosts.closeAll();
  }
}

await runAction('tm', import.meta.url, context);
