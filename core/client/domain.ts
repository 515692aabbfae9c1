/**
 * Domain facts adapters need, re-exported so they never import core/model: which flags mean
 * diskless, which provider kinds are thin or take snapshots, and where a volume's device is.
 */
import { volumeDevicePath } from '../model/device-path.js';

export { DISKLESS_FLAGS, isDisklessResource } from '../model/resource-flags.js';
export { THIN_PROVIDER_KINDS, SNAPSHOT_PROVIDER_KINDS, isThinProvider, supportsSnapshots } from '../model/provider-kinds.js';
export { drbdByResPath, volumeDevicePath, type VolumeDeviceFacts } from '../model/device-path.js';

/** The parts of a REST resource view (`GET /v1/view/resources`, `.../resources/{node}`) the rule reads. */
export interface ResourceDeviceView {
  name?: string;
  layer_object?: { type?: string };
  volumes?: Array<{ volume_number?: number; device_path?: string; layer_data_list?: Array<{ type?: string }> }>;
}

/** The device of volume `volumeNumber` of a resource on its node, from the REST view (see volumeDevicePath). */
export function deviceOfVolume(r: ResourceDeviceView, volumeNumber = 0): string | undefined {
  const vol = r.volumes?.find((v) => (v.volume_number ?? 0) === volumeNumber);
  const topLayer = r.layer_object?.type ?? vol?.layer_data_list?.[0]?.type;
  return volumeDevicePath({ resource: r.name ?? '', volumeNumber, topLayer, reportedPath: vol?.device_path });
}
