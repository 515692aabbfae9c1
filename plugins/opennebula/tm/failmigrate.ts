/** tm failmigrate: the migration failed, so the destination lets go: postmigrate with the hosts swapped. */
import { migrationArgs, postmigrate } from '../lib/migrate.js';
import { runAction } from '../run.js';

await runAction('tm', import.meta.url, (argv) => {
  const a = migrationArgs(argv);
  return postmigrate({ ...a, srcHost: a.dstHost, dstHost: a.srcHost });
});
