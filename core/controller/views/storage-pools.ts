import type * as api from '../../api/index.js';
import { sharedSpaceOf } from '../../model/shared-space.js';
import { rcEntry, type ApiCallRc } from '../../model/apicallrc.js';
import { nameKey } from '../../model/names.js';
import { isThinProvider, supportsSnapshots } from '../../model/provider-kinds.js';
import type { ProviderKind, StoragePool, StoragePoolDefinition } from '../../model/types.js';
import type { RuntimeState } from '../state/runtime.js';
import { compact } from './compact.js';

/** LINSTOR's VAL_STOR_POOL_SPACE_ENOUGH (Long.MAX_VALUE): what diskless pools report as capacity. */
export const SPACE_ENOUGH = 9223372036854775807n;

/** What a provider kind can do, as LINSTOR's DeviceProviderKind says (on the wire, diskless counts as thin). */
export function providerTraits(kind: ProviderKind): { thin: boolean; snapshots: boolean } {
  return { thin: isThinProvider(kind) || kind === 'DISKLESS', snapshots: supportsSnapshots(kind) };
}

export function storagePoolDefinitionView(d: StoragePoolDefinition): api.StoragePoolDefinition {
  return compact({ storage_pool_name: d.name, props: d.props });
}

/**
 * The wire shape of a StoragePool. Capacities come from the satellite's last report (KiB);
 * before a report, they are left out and `reports` says why, as LINSTOR does for an
 * unreachable satellite.
 */
/**
 * The spec's StoragePool, with capacities that may be int64 beyond a double (diskless pools
 * report 9223372036854775807, as LINSTOR's Long.MAX_VALUE) and return codes are bigint, written exactly.
 */
export type StoragePoolWire = Omit<api.StoragePool, 'free_capacity' | 'total_capacity' | 'reports'>
  & { free_capacity?: number | bigint; total_capacity?: number | bigint; reports?: ApiCallRc[] };

export function storagePoolView(sp: StoragePool, runtime: RuntimeState): StoragePoolWire {
  const traits = providerTraits(sp.providerKind);
  const key = `${nameKey(sp.nodeName)}/${nameKey(sp.name)}`;
  const reported = runtime.pools.get(key);
  let free: bigint | number | undefined;
  let total: bigint | number | undefined;
  const reports = [];
  if (sp.providerKind === 'DISKLESS') {
    free = SPACE_ENOUGH;
    total = SPACE_ENOUGH;
  } else if (reported && !reported.error) {
    free = reported.freeCapacityKib;
    total = reported.totalCapacityKib;
  } else if (reported?.error) {
    reports.push(rcEntry('WARN_STORAGE_ERROR', reported.error, { obj: 'STOR_POOL', objRefs: { Node: sp.nodeName, StorPool: sp.name } }));
  } else {
    reports.push(rcEntry('WARN_NOT_CONNECTED', `No active connection to satellite '${sp.nodeName}'`, {
      obj: 'STOR_POOL', objRefs: { Node: sp.nodeName, StorPool: sp.name },
      details: 'The reported free and total capacity of this storage pool are unknown.',
    }));
  }
  return compact({
    storage_pool_name: sp.name,
    node_name: sp.nodeName,
    provider_kind: sp.providerKind,
    props: sp.props,
    static_traits: {
      Provisioning: traits.thin ? 'Thin' : 'Fat',
      SupportsSnapshots: String(traits.snapshots),
    },
    free_capacity: free,
    total_capacity: total,
    free_space_mgr_name: sp.freeSpaceMgrName ?? `${sp.nodeName};${sp.name}`,
    uuid: sp.uuid,
    reports,
    supports_snapshots: traits.snapshots,
    external_locking: sp.externalLocking ?? false,
    ...(sharedSpaceOf(sp) ? { shared_space: sharedSpaceOf(sp) } : {}),
  });
}
