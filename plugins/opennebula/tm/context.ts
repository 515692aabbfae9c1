/**
 * tm context `context.sh file… host:dir/disk.i vmid dsid`: the context ISO is a small file on
 * the host, as with the ssh driver (addon-linstor 3 does the same): this hands over to
 * remotes/tm/ssh/context next to this driver.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DriverError } from '../lib/log.js';
import { runAction } from '../run.js';

await runAction('tm', import.meta.url, async (argv) => {
  if (argv.length < 4) throw new DriverError('tm context needs the context files then host:path, vm id and datastore id');
  const remotes = process.env.ONE_LINSTOR_REMOTES ?? '/var/lib/one/remotes';
  const ssh = join(remotes, 'tm', 'ssh', 'context');
  if (!existsSync(ssh)) throw new DriverError(`${ssh} is missing`, 'install OpenNebula\'s ssh transfer driver (it ships with opennebula) or set ONE_LINSTOR_REMOTES');
  const r = spawnSync(ssh, argv, { stdio: 'inherit' });
  if (r.status !== 0) throw new DriverError(`${ssh} exited with ${r.status}`);
});
