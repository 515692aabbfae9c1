/** datastore monitor: USED_MB / TOTAL_MB / FREE_MB of the datastore's LINSTOR pools. */
import { datastoreCapacity, formatCapacity } from '../lib/capacity.js';
import { datastoreConfig } from '../lib/datastore-config.js';
import { readDriverAction } from '../lib/drv-action.js';
import { OneLinstor } from '../lib/linstor.js';
import { runAction } from '../run.js';

export async function monitor(argv: string[]): Promise<string> {
  const drv = await readDriverAction(argv);
  return formatCapacity(await datastoreCapacity(new OneLinstor(datastoreConfig(drv.datastore))));
}

await runAction('datastore', import.meta.url, monitor);
