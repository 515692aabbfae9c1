import { nameKey } from '../../model/names.js';
import type { DesiredSnapshot } from '../../model/satellite-protocol.js';
import type { ClusterState } from '../state/cluster-state.js';
import { snapshotTable } from './common.js';

/**
 * The snapshot part of one node's desired state: every snapshot the node holds, with the pool
 * of each volume, and whether it must be taken or rolled back right now. Pure: computed from
 * the cluster state alone. The satellite removes snapshots of its pools that are not listed.
 * With `rdKey`: only the snapshots of that resource definition.
 */
export function desiredSnapshots(state: ClusterState, nodeKey: string, rdKey?: string): DesiredSnapshot[] {
  const out: DesiredSnapshot[] = [];
  // One definition's snapshots come from the table's index (an update names one resource).
  const rows = rdKey === undefined ? snapshotTable(state).values() : snapshotTable(state).withSegment(0, rdKey);
  for (const s of rows) {
    if (s.flags.includes('DELETE')) continue;
    const here = s.nodes.find((n) => nameKey(n.nodeName) === nodeKey);
    if (!here) continue;
    out.push({
      resource: s.resourceName,
      name: s.name,
      volumes: s.volumeDefinitions
        .filter((v) => here.storagePools[String(v.volumeNumber)] !== undefined)
        .map((v) => ({ volumeNumber: v.volumeNumber, storagePool: here.storagePools[String(v.volumeNumber)]!, sizeKib: v.sizeKib })),
      take: s.take === true,
      ...(s.rollback ? { rollback: true } : {}),
      ...(here.layerStack.includes('DRBD') ? { suspendIo: true } : {}),
    });
  }
  return out.sort((a, b) => a.resource.localeCompare(b.resource) || a.name.localeCompare(b.name));
}
