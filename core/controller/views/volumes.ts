import type * as api from '../../api/index.js';
import { createHash } from 'node:crypto';
import { nameKey } from '../../model/names.js';
import type { ReportedResource, ReportedVolume } from '../../model/satellite-protocol.js';
import type { LayerKind, ProviderKind, Resource, ResourceDefinition, VolumeDefinition } from '../../model/types.js';
import type { ClusterState } from '../state/cluster-state.js';
import { compact } from './compact.js';
import { volumeDefinitionView } from './resource-definitions.js';
import { DFLT_DISKLESS_STOR_POOL } from '../../model/defaults.js';
import { drbdMinorDevice } from '../../model/device-path.js';
import { isDisklessResource } from '../../model/resource-flags.js';
import { volumeStoragePool } from '../state/volume-pool.js';

/** A stable uuid for a volume (the model keeps none of its own): derived from the resource's. */
export function volumeUuid(rsc: Resource, vlmNr: number): string {
  const h = createHash('sha1').update(`${rsc.uuid}/${vlmNr}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** /dev/drbd<minor>, with the minor this node uses (per-node minors) or the definition's. */
export function drbdDevicePath(vd: VolumeDefinition, rsc?: Resource): string | undefined {
  const minor = rsc?.volumes[String(vd.volumeNumber)]?.minorNumber ?? vd.minorNumber;
  return minor === undefined ? undefined : drbdMinorDevice(minor);
}

function layerReport(rep: ReportedVolume | undefined, t: LayerKind) {
  return rep?.layers?.find((l) => l.type === t);
}

/** Per-layer data of one volume (DrbdVolume / StorageVolume), from the satellite's report. */
export function volumeLayerData(rd: ResourceDefinition, rsc: Resource, vd: VolumeDefinition, t: LayerKind, rep: ReportedVolume | undefined, bottom: boolean): Record<string, unknown> {
  const l = layerReport(rep, t);
  const diskless = isDisklessResource(rsc.flags);
  if (t === 'DRBD') {
    return compact({
      drbd_volume_definition: (volumeDefinitionView(rd, vd).layer_data as Array<{ type: string; data?: unknown }>).find((x) => x.type === 'DRBD')?.data,
      device_path: l?.devicePath ?? drbdDevicePath(vd, rsc),
      backing_device: l?.backingDevice,
      meta_disk: diskless ? undefined : 'internal',
      allocated_size_kib: l?.allocatedSizeKib,
      usable_size_kib: l?.usableSizeKib,
      disk_state: l?.diskState ?? (rsc.layerStack[0] === 'DRBD' ? rep?.diskState : undefined),
    });
  }
  return compact({
    volume_number: vd.volumeNumber,
    device_path: l?.devicePath ?? (bottom && rsc.layerStack.length === 1 ? rep?.devicePath : undefined),
    allocated_size_kib: l?.allocatedSizeKib ?? (bottom ? rep?.allocatedSizeKib : undefined),
    usable_size_kib: l?.usableSizeKib ?? (bottom ? rep?.usableSizeKib : undefined),
    disk_state: l?.diskState,
  });
}

/**
 * The wire Volume. Before the satellite reported, device path (except DRBD's known one),
 * sizes and state are absent, as LINSTOR shows them (the client prints "Unknown").
 */
export function volumeView(state: ClusterState, rd: ResourceDefinition, rsc: Resource, vd: VolumeDefinition, report: ReportedResource | undefined): api.Volume {
  const own = rsc.volumes[String(vd.volumeNumber)] ?? { props: {}, flags: [] };
  const rep = report?.volumes.find((v) => v.volumeNumber === vd.volumeNumber);
  const poolName = volumeStoragePool(state, rsc, rd, vd);
  const pool = state.storagePools.get(`${nameKey(rsc.nodeName)}/${nameKey(poolName)}`);
  const provider: ProviderKind | undefined = pool?.providerKind ?? (nameKey(poolName) === nameKey(DFLT_DISKLESS_STOR_POOL) ? 'DISKLESS' : undefined);
  const top = rsc.layerStack[0];
  const topDevice = top === 'DRBD' ? (layerReport(rep, 'DRBD')?.devicePath ?? drbdDevicePath(vd, rsc)) : rep?.devicePath;
  return compact({
    volume_number: vd.volumeNumber,
    storage_pool_name: poolName,
    provider_kind: provider,
    device_path: topDevice ?? rep?.devicePath,
    // A diskless volume allocates nothing; the real client's `node describe` sums this field.
    allocated_size_kib: rep?.allocatedSizeKib ?? (provider === 'DISKLESS' ? 0 : undefined),
    usable_size_kib: rep?.usableSizeKib,
    props: own.props,
    flags: own.flags,
    state: compact({ disk_state: rep?.diskState, replication_states: rep?.replicationStates }),
    layer_data_list: rsc.layerStack.map((t, i) => ({ type: t, data: volumeLayerData(rd, rsc, vd, t, rep, i === rsc.layerStack.length - 1) })),
    uuid: volumeUuid(rsc, vd.volumeNumber),
  });
}
