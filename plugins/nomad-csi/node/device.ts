/**
 * The local block device of a volume, as the LINSTOR controller reports it for this node's
 * own resource: never a path from the request (a publish_context naming another volume's
 * device must not get that device formatted or mounted). Also how the plugin recognises its
 * own mounts: by device number, not by what `findmnt` prints.
 */
import { statSync } from 'node:fs';
import { status } from '@grpc/grpc-js';
import { pathProblem, systemPathProblem } from '../../../core/props/file-dir.js';
import { sleep, type PluginContext } from '../context.js';
import { CsiError, invalid, notFound, orUndefined, precondition } from '../errors.js';
import { isValidLinstorName } from '../names.js';

export interface VolumeDevice { path: string; rdev: number }

function blockDevice(p: string): VolumeDevice | undefined {
  try {
    const s = statSync(p);
    return s.isBlockDevice() ? { path: p, rdev: s.rdev } : undefined;
  } catch { return undefined; }
}

export function requireVolumeId(v: string | undefined): string {
  if (!v) throw invalid('volume_id missing in request');
  return v;
}

/** After the arguments are checked: a volume id is a LINSTOR resource name, anything else names no volume of ours. */
export function existingVolumeId(v: string): string {
  if (!isValidLinstorName(v)) throw notFound(`volume ${v.replace(/[^\x20-\x7e]/g, '?').slice(0, 64)} does not exist`);
  return v;
}

/** A path from the CO: absolute, normalised, no control characters, not one of the system's own. */
export function requirePath(v: string | undefined, what: string): string {
  if (!v) throw invalid(`${what} missing in request`);
  const problem = pathProblem(v) ?? systemPathProblem(v);
  if (problem) throw invalid(`${what} is not acceptable: ${problem}`);
  return v;
}

/**
 * The device of volume 0 of the volume's resource on this node, waiting for the satellite to
 * report it (a fresh attachment takes a moment).
 */
export async function localDevice(ctx: PluginContext, volumeId: string): Promise<VolumeDevice> {
  const rd = await orUndefined(() => ctx.client.resourceDefinitions.get(volumeId));
  if (!rd) throw notFound(`volume ${volumeId} does not exist`);
  const end = Date.now() + ctx.deviceWaitMs;
  for (;;) {
    const res = await orUndefined(() => ctx.client.resources.get(volumeId, ctx.nodeName));
    if (!res) throw precondition(`volume ${volumeId} is not available on node ${ctx.nodeName}: no replica here and not attached (ControllerPublishVolume first)`);
    const vol = await orUndefined(() => ctx.client.resources.getVolume(volumeId, ctx.nodeName, 0));
    const dev = vol?.device_path ? blockDevice(vol.device_path) : undefined;
    if (dev) return dev;
    if (Date.now() > end) throw new CsiError(status.UNAVAILABLE, `the device of volume ${volumeId} on node ${ctx.nodeName} is not ready yet`);
    await sleep(200);
  }
}

/** The device number of what is mounted at `path`: the filesystem's device, or the device node bound there. */
export function mountedDeviceNumber(path: string): number | undefined {
  try {
    const s = statSync(path);
    return s.isBlockDevice() ? s.rdev : s.dev;
  } catch { return undefined; }
}
