import { nameKey } from '../../model/names.js';
import { QOS_KEYS, QOS_KINDS, type VolumeQos } from '../../model/qos.js';
import type { Node, Resource, ResourceDefinition, ResourceGroup, VolumeDefinition } from '../../model/types.js';
import { propChain } from '../../props/chain.js';
import { propValue } from '../../props/resolver.js';
import type { ClusterState } from '../state/cluster-state.js';

/**
 * The QoS limits of one volume: each `sys/fs/blkio_throttle_*` key resolved over every level
 * (the pool levels are the volume's own pool on this node). The order is linstor-server's for
 * these keys (SysFsHandler): volume > volume definition > volume group > resource > resource
 * definition > resource group > pool > pool definition > node > controller. It differs from
 * the one order (props/chain.ts) in ranking the volume-number levels above the resource's, so
 * it is built from three chains, most general first. Undefined when no level sets any.
 */
export function volumeQos(state: ClusterState, node: Node, r: Resource, rd: ResourceDefinition, rg: ResourceGroup | undefined,
  vd: VolumeDefinition, pool: string): VolumeQos | undefined {
  const vg = rg ? state.volumeGroups.get(`${nameKey(rg.name)}/${vd.volumeNumber}`) : undefined;
  const levels = [
    ...propChain({ controller: state.ctrlProps, node, storagePoolDefinition: state.storagePoolDefinitions.get(nameKey(pool)), storagePool: state.storagePools.get(`${nameKey(node.name)}/${nameKey(pool)}`) }),
    ...propChain({ resourceGroup: rg, resourceDefinition: rd, resource: r }),
    ...propChain({ volumeGroup: vg, volumeDefinition: vd, volume: r.volumes[String(vd.volumeNumber)] }),
  ];
  let out: VolumeQos | undefined;
  for (const kind of QOS_KINDS) {
    const v = propValue(QOS_KEYS[kind], levels)?.trim();
    // 0 is "no limit" in the kernel's files: the same as not set.
    if (v !== undefined && v !== '' && !/^0+$/.test(v)) (out ??= {})[kind] = v;
  }
  return out;
}
