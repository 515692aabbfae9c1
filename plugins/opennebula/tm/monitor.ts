/** tm monitor: system datastore monitoring (DRV_ACTION on stdin, id $1): USED_MB/TOTAL_MB/FREE_MB as the image datastore. */
import { datastoreCapacity, formatCapacity } from '../lib/capacity.js';
import { datastoreConfig } from '../lib/datastore-config.js';
import { readDriverAction } from '../lib/drv-action.js';
import { OneLinstor } from '../lib/linstor.js';
import { runAction } from '../run.js';

await runAction('tm', import.meta.url, async (argv) => {
  const drv = await readDriverAction(argv);
  return formatCapacity(await datastoreCapacity(new OneLinstor(datastoreConfig(drv.datastore))));
});
