import { imageField, type DsContext } from './context.js';
import { DriverError } from './log.js';
import { snapshotName } from './linstor.js';

/** IMAGE/SOURCE and the LINSTOR name of IMAGE/TARGET_SNAPSHOT. */
export function snapshotTarget(ctx: DsContext): { source: string; snap: string } {
  const source = imageField(ctx.drv, 'SOURCE');
  const id = imageField(ctx.drv, 'TARGET_SNAPSHOT');
  if (!/^\d+$/.test(id)) throw new DriverError(`IMAGE/TARGET_SNAPSHOT '${id}' is not a snapshot id`, 'pick an existing image snapshot (oneimage show)');
  return { source, snap: snapshotName(id) };
}
