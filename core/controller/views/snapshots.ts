import type * as api from '../../api/index.js';
import { nameKey } from '../../model/names.js';
import type { Snapshot } from '../../model/snapshot.js';
import type { ClusterState } from '../state/cluster-state.js';
import type { RuntimeState } from '../state/runtime.js';
import { compact } from './compact.js';

/**
 * LINSTOR's Snapshot JSON (SnapshotDefinition with its per-node snapshots). python-linstor's
 * `snapshot list` reads nodes, flags, volume_definitions[].size_kib and
 * snapshots[].create_timestamp.
 */
export function snapshotView(state: ClusterState, runtime: RuntimeState, s: Snapshot): api.Snapshot {
  const rd = state.resourceDefinitions.get(nameKey(s.resourceName));
  return compact({
    name: s.name,
    resource_name: s.resourceName,
    nodes: s.nodes.map((n) => n.nodeName),
    props: s.props,
    snapshot_definition_props: s.props,
    resource_definition_props: rd?.props ?? {},
    flags: s.flags,
    volume_definitions: s.volumeDefinitions.map((v) => compact({
      volume_number: v.volumeNumber, size_kib: v.sizeKib, snapshot_volume_definition_props: v.props, volume_definition_props: v.props,
    })),
    uuid: s.uuid,
    snapshots: s.nodes.map((n) => {
      const rep = runtime.resources.get(`${nameKey(s.resourceName)}/${nameKey(n.nodeName)}`)?.snapshots?.find((x) => nameKey(x.name) === nameKey(s.name));
      return compact({
        snapshot_name: s.name,
        node_name: n.nodeName,
        create_timestamp: n.createTimestamp,
        flags: n.flags,
        uuid: n.uuid,
        snapshot_props: n.props,
        resource_props: n.props,
        snapshot_volumes: s.volumeDefinitions.map((v) => compact({
          vlm_nr: v.volumeNumber,
          props: { StorPoolName: n.storagePools[String(v.volumeNumber)] ?? '' },
          state: rep ? (rep.error ? 'Failed' : rep.present ? 'UpToDate' : 'Missing') : undefined,
        })),
      });
    }),
  });
}
