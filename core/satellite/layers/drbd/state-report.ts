import { drbdMinorDevice } from '../../../model/device-path.js';
import type { DesiredResource } from '../../../model/satellite-protocol.js';
import type { LayerResult, LayerVolume } from '../layer.js';
import type { DrbdResourceState } from './events2.js';

/**
 * Turns the kernel state of one resource into what the satellite reports: per volume the local
 * disk state and, per peer, the replication state and resync progress (`resource list`'s State
 * column shows e.g. "SyncTarget(45.20%)"); per peer whether the connection is up.
 */
export function stateToLayerResult(resource: DesiredResource, state: DrbdResourceState | undefined, lower: Map<number, LayerVolume>): LayerResult {
  const volumes = new Map<number, LayerVolume>();
  const peersById = new Map((resource.drbd?.peers ?? []).map((p) => [p.nodeId, p.nodeName]));
  for (const v of resource.volumes) {
    const dev = state?.devices[v.volumeNumber];
    const replicationStates: NonNullable<LayerVolume['replicationStates']> = {};
    for (const c of Object.values(state?.connections ?? {})) {
      const pd = c.peerDevices[v.volumeNumber];
      if (!pd) continue;
      const peer = peersById.get(c.peerNodeId) ?? c.connName;
      replicationStates[peer] = { replication_state: pd.replication, ...(pd.donePercent !== undefined ? { done_percentage: pd.donePercent } : {}) };
    }
    const below = lower.get(v.volumeNumber);
    volumes.set(v.volumeNumber, {
      volumeNumber: v.volumeNumber,
      devicePath: dev ? drbdMinorDevice(dev.minor) : v.minorNumber !== undefined ? drbdMinorDevice(v.minorNumber) : undefined,
      backingDevice: below?.devicePath,
      allocatedSizeKib: below?.allocatedSizeKib,
      usableSizeKib: dev?.sizeKib ?? v.sizeKib,
      // No device in the kernel means the resource is not up (yet): DRBD calls that Unconfigured.
      diskState: dev ? dev.disk : 'Unconfigured',
      replicationStates,
    });
  }
  const drbdConnections: NonNullable<LayerResult['drbdConnections']> = {};
  for (const p of resource.drbd?.peers ?? []) {
    const c = state?.connections[p.nodeId];
    drbdConnections[p.nodeName] = { connected: c?.connection === 'Connected', message: c?.connection ?? 'StandAlone' };
  }
  return { volumes, inUse: state?.role === 'Primary', drbdConnections };
}
