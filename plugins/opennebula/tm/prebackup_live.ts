/** tm prebackup_live `host:vm_folder disk_ids deploy_id [bj_id] vmid dsid` (VM running): see lib/backup.ts. */
import { prebackup } from '../lib/backup.js';
import { runAction } from '../run.js';

await runAction('tm', import.meta.url, (argv) => prebackup(argv, true));
