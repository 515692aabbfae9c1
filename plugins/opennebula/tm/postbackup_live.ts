/** tm postbackup_live `host:vm_folder disk_ids deploy_id [bj_id] vmid dsid`: removes the backup folder and leftovers. */
import { postbackup } from '../lib/backup.js';
import { runAction } from '../run.js';

await runAction('tm', import.meta.url, postbackup);
