/** tm premigrate `src_host dst_host dir vmid dsid [calling_tm]`, VM XML base64 on stdin. */
import { migrationArgs, premigrate } from '../lib/migrate.js';
import { runAction } from '../run.js';

await runAction('tm', import.meta.url, (argv) => premigrate(migrationArgs(argv)));
