/**
 * tm monitor: system datastore monitoring (DRV_ACTION on stdin, id $1): USED_MB/TOTAL_MB/FREE_MB
 * as the image datastore, then one VM=[ID=…, MONITOR="<base64>"] line per VM with LINSTOR disks
 * (lib/vm-disk-usage.ts).
 */
import { datastoreCapacity, formatCapacity } from '../lib/capacity.js';
import { datastoreConfig } from '../lib/datastore-config.js';
import { readDriverAction } from '../lib/drv-action.js';
import { OneLinstor } from '../lib/linstor.js';
import { formatVmDiskUsage, vmDiskUsage } from '../lib/vm-disk-usage.js';
import { runAction } from '../run.js';

await runAction('tm', import.meta.url, async (argv) => {
  const drv = await readDriverAction(argv);
  const l = new OneLinstor(datastoreConfig(drv.datastore));
  return formatCapacity(await datastoreCapacity(l)) + formatVmDiskUsage(await vmDiskUsage(l));
});
