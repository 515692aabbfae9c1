/**
 * Creating a storage pool on a node: shared by `POST /v1/nodes/{node}/storage-pools` and
 * `POST /v1/physical-storage/{node}` with `with_storage_pool`, so both validate and store
 * the same way. `prepareStoragePool` only validates (no side effects), so a caller that must
 * do something irreversible first (create a VG on a satellite) can fail early.
 */
import { randomUUID } from 'node:crypto';
import { rcEntry, type ApiCallRc } from '../../model/apicallrc.js';
import { ApiError, Errors } from '../../model/errors.js';
import { nameKey } from '../../model/names.js';
import { SHARED_SPACE_KINDS, sharedSpaceOf } from '../../model/shared-space.js';
import type { StoragePool } from '../../model/types.js';
import type * as api from '../../api/index.js';
import { getNode, storagePoolKey } from '../lookup.js';
import type { ClusterState } from '../state/cluster-state.js';
import { checkDriverProps, checkProviderKind } from './storage-pools.js';

/** What both routes ask for: LINSTOR's StoragePool request, validated at the edge. */
export type StoragePoolCreateInput = Pick<api.StoragePool, 'storage_pool_name' | 'provider_kind' | 'props' | 'free_space_mgr_name' | 'external_locking'>;

const SP = 'STOR_POOL' as const;

function existsError(name: string, node: string): ApiError {
  return new ApiError('FAIL_EXISTS_STOR_POOL', `A storage pool with the name '${name}' already exists on node '${node}'.`, {
    obj: SP, op: 'CRT', objRefs: { Node: node, StorPoolDfn: name },
    correction: 'Use a different name, or delete the existing storage pool first.',
  });
}

/**
 * A pool joining a shared space must be what the space's other pools are: the same provider
 * kind on the same backing store (volume group), the same locking, and the node's only pool there.
 */
function checkSharedSpace(state: ClusterState, sp: StoragePool): void {
  const space = sharedSpaceOf(sp);
  if (space === undefined) {
    if (sp.externalLocking) throw new ApiError('FAIL_INVLD_STOR_POOL_NAME', 'External locking is only for shared storage pools.', { obj: SP, op: 'CRT', correction: 'Give --shared-space NAME too, or leave out --external-locking.' });
    return;
  }
  const bad = (why: string, correction: string): ApiError => new ApiError('FAIL_INVLD_STOR_POOL_NAME', `Storage pool '${sp.name}' on node '${sp.nodeName}' cannot join shared space '${space}': ${why}`, { obj: SP, op: 'CRT', correction });
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.:+-]{0,63}$/.test(space)) throw bad('the name is not valid.', 'Use letters, digits and _.:+- (e.g. the volume group UUID).');
  if (!(SHARED_SPACE_KINDS as readonly string[]).includes(sp.providerKind)) throw bad(`${sp.providerKind} pools cannot be shared here.`, `Shared spaces are ${SHARED_SPACE_KINDS.join(' or ')} volume groups seen by every node (lvmlockd, or external locking).`);
  const backing = (p: StoragePool) => p.props['StorDriver/StorPoolName'] ?? '';
  for (const other of state.storagePools.values()) {
    if (sharedSpaceOf(other) !== space) continue;
    if (nameKey(other.nodeName) === nameKey(sp.nodeName)) throw bad(`node '${sp.nodeName}' already has pool '${other.name}' in it.`, 'A node takes part in a shared space with one pool.');
    if (other.providerKind !== sp.providerKind || backing(other) !== backing(sp)) {
      throw bad(`its pools are ${other.providerKind} on '${backing(other)}' (pool '${other.name}' on '${other.nodeName}').`, 'Give the same provider kind and volume group as the other pools of the space.');
    }
    if ((other.externalLocking ?? false) !== (sp.externalLocking ?? false)) throw bad(`its pools ${other.externalLocking ? 'use' : 'do not use'} external locking.`, 'Use the same --external-locking setting on every pool of the space.');
  }
}

/** Validates a creation request against the current state and builds the pool; stores nothing. */
export function prepareStoragePool(state: ClusterState, nodeName: string, b: StoragePoolCreateInput): StoragePool {
  const node = getNode(state, nodeName);
  const name = b.storage_pool_name;
  const kind = checkProviderKind(b.provider_kind);
  const props = { ...b.props };
  // python-linstor and the linstor client name a file pool's directory in StorDriver/StorPoolName.
  if ((kind === 'FILE' || kind === 'FILE_THIN') && !props['StorDriver/FileDir'] && props['StorDriver/StorPoolName']) {
    props['StorDriver/FileDir'] = props['StorDriver/StorPoolName'];
  }
  checkDriverProps(kind, props, node.props);
  const shared = b.free_space_mgr_name ?? undefined;
  if (state.storagePools.has(storagePoolKey(node.name, name))) throw existsError(name, node.name);
  const sp: StoragePool = {
    name, nodeName: node.name, providerKind: kind, props, uuid: randomUUID(), externalLocking: b.external_locking === true,
    freeSpaceMgrName: shared && !shared.includes(';') ? shared : `${node.name};${name}`,
  };
  checkSharedSpace(state, sp);
  return sp;
}

/** Stores a prepared pool (re-checking existence inside the transaction) and answers as LINSTOR does. */
export async function storeStoragePool(state: ClusterState, sp: StoragePool): Promise<ApiCallRc[]> {
  const key = storagePoolKey(sp.nodeName, sp.name);
  await state.mutate((tx) => {
    if (!state.nodes.has(nameKey(sp.nodeName))) throw Errors.notFound('FAIL_NOT_FOUND_NODE', 'Node', sp.nodeName, { objRefs: { Node: sp.nodeName } });
    if (state.storagePools.has(key)) throw existsError(sp.name, sp.nodeName);
    // The storage pool definition is created implicitly, as in LINSTOR.
    if (!state.storagePoolDefinitions.has(nameKey(sp.name))) tx.put(state.storagePoolDefinitions, nameKey(sp.name), { name: sp.name, props: {}, uuid: randomUUID() });
    tx.put(state.storagePools, key, sp);
  });
  return [rcEntry('CREATED', `New storage pool '${sp.name}' on node '${sp.nodeName}' registered.`, {
    obj: SP, op: 'CRT', objRefs: { Node: sp.nodeName, StorPoolDfn: sp.name }, details: `Storage pool '${sp.name}' on node '${sp.nodeName}' UUID is: ${sp.uuid}`,
  })];
}

export async function createStoragePool(state: ClusterState, nodeName: string, b: StoragePoolCreateInput): Promise<ApiCallRc[]> {
  return storeStoragePool(state, prepareStoragePool(state, nodeName, b));
}
