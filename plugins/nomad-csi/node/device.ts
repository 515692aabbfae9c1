/** Finding the local block device of a volume on this node. */
import { statSync } from 'node:fs';
import { sleep, type PluginContext } from '../context.js';
import { status } from '@grpc/grpc-js';
import { CsiError, notFound, orUndefined, precondition } from '../errors.js';

function isBlockDevice(p: string): boolean {
  try { return statSync(p).isBlockDevice(); } catch { return false; }
}

/**
 * The device path from the publish context when it is a block device here; otherwise asks
 * the controller, waiting for the satellite to report the device (a fresh attachment takes
 * a moment).
 */
export async function localDevice(ctx: PluginContext, volumeId: string, publishContext: Record<string, string> = {}): Promise<string> {
  const fromCtx = publishContext.devicePath;
  if (fromCtx && isBlockDevice(fromCtx)) return fromCtx;
  const rd = await orUndefined(() => ctx.client.resourceDefinitions.get(volumeId));
  if (!rd) throw notFound(`volume ${volumeId} does not exist`);
  const end = Date.now() + ctx.deviceWaitMs;
  for (;;) {
    const res = await orUndefined(() => ctx.client.resources.get(volumeId, ctx.nodeName));
    if (!res) throw precondition(`volume ${volumeId} is not available on node ${ctx.nodeName}: no replica here and not attached (ControllerPublishVolume first)`);
    const vol = await orUndefined(() => ctx.client.resources.getVolume(volumeId, ctx.nodeName, 0));
    if (vol?.device_path && isBlockDevice(vol.device_path)) return vol.device_path;
    if (Date.now() > end) throw new CsiError(status.UNAVAILABLE, `the device of volume ${volumeId} on node ${ctx.nodeName} is not ready yet`);
    await sleep(200);
  }
}
