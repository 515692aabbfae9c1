import { randomUUID } from 'node:crypto';
import type { Router } from 'express';
import { rcEntry, type ApiCallRc } from '../../model/apicallrc.js';
import { ApiError, Errors } from '../../model/errors.js';
import { checkName, nameKey } from '../../model/names.js';
import type { StoragePoolDefinition } from '../../model/types.js';
import { applyPropsModify } from '../../props/modify.js';
import type { ControllerContext } from '../context.js';
import { route } from '../http/handler.js';
import { listParam, nameFilter, page, propsFilter } from '../http/query.js';
import { getNode, getStoragePool, getStoragePoolDefinition, storagePoolKey } from '../lookup.js';
import { propsInfo } from '../services/props-info.js';
import { createStoragePool } from '../services/storage-pool-create.js';
import { checkDriverProps, volumesUsingPool } from '../services/storage-pools.js';
import type { ClusterState } from '../state/cluster-state.js';
import { storagePoolDefinitionView, storagePoolView } from '../views/storage-pools.js';
import { DFLT_DISKLESS_STOR_POOL, DFLT_STOR_POOL } from '../../model/defaults.js';

const SPD = 'STOR_POOL_DFN' as const;
const SP = 'STOR_POOL' as const;

function unsetWarnings(keys: string[], obj: typeof SPD | typeof SP): ApiCallRc[] {
  return keys.map((k) => rcEntry('WARN_DEL_UNSET_PROP', `Could not delete property '${k}' as it did not exist.`, { obj, op: 'MOD' }));
}

/** LINSTOR's database starts with both default storage pool definitions; so does ours. */
export function ensureDefaultStoragePoolDefinitions(state: ClusterState): Promise<void> {
  return state.mutate((tx) => {
    for (const name of [DFLT_STOR_POOL, DFLT_DISKLESS_STOR_POOL]) {
      if (!state.storagePoolDefinitions.has(nameKey(name))) tx.put(state.storagePoolDefinitions, nameKey(name), { name, props: {}, uuid: randomUUID() });
    }
  });
}

export function registerStoragePoolRoutes(r: Router, ctx: ControllerContext): void {
  const { state, runtime, reporter } = ctx;

  // Storage pool definitions.
  r.get('/v1/storage-pool-definitions', route(reporter, { obj: SPD }, 200, (req) => {
    const byName = nameFilter(listParam(req, 'storage_pools'));
    const byProps = propsFilter(req);
    return { json: page(req, state.storagePoolDefinitions.values(), (d) => byName(d.name) && byProps(d.props), storagePoolDefinitionView) };
  }));
  r.get('/v1/storage-pool-definitions/properties/info', route(reporter, { obj: SPD }, 200, () => ({ json: propsInfo('STORAGEPOOL_DEFINITION') })));
  r.get('/v1/storage-pool-definitions/:sp', route(reporter, { obj: SPD }, 200, (req) => ({ json: storagePoolDefinitionView(getStoragePoolDefinition(state, String(req.params.sp))) })));

  r.post('/v1/storage-pool-definitions', route(reporter, { obj: SPD, op: 'CRT', body: 'POST /v1/storage-pool-definitions' }, 201, async (_req, _res, b) => {
    const name = b.storage_pool_name!; // the rule (core/api/rules.ts) refuses a missing name
    const props = { ...b.props };
    const d: StoragePoolDefinition = { name, props, uuid: randomUUID() };
    await state.mutate((tx) => {
      if (state.storagePoolDefinitions.has(nameKey(name))) throw Errors.exists('FAIL_EXISTS_STOR_POOL_DFN', 'Storage pool definition', name, { obj: SPD, op: 'CRT' });
      tx.put(state.storagePoolDefinitions, nameKey(name), d);
    });
    return { rc: [rcEntry('CREATED', `New storage pool definition '${name}' registered.`, { obj: SPD, op: 'CRT', objRefs: { StorPoolDfn: name }, details: `Storage pool definition '${name}' UUID is: ${d.uuid}` })] };
  }));

  r.put('/v1/storage-pool-definitions/:sp', route(reporter, { obj: SPD, op: 'MOD', body: 'PUT /v1/storage-pool-definitions/{storagepool}' }, 200, async (req, _res, b) => {
    const { d, change } = await state.mutate((tx) => {
      const d = getStoragePoolDefinition(state, String(req.params.sp));
      const change = applyPropsModify(d.props, b);
      tx.put(state.storagePoolDefinitions, nameKey(d.name), { ...d, props: change.props });
      return { d, change };
    });
    return { rc: [rcEntry('MODIFIED', `Storage pool definition '${d.name}' modified.`, { obj: SPD, op: 'MOD', objRefs: { StorPoolDfn: d.name } }), ...unsetWarnings(change.unsetDeletes, SPD)] };
  }));

  r.delete('/v1/storage-pool-definitions/:sp', route(reporter, { obj: SPD, op: 'DEL' }, 200, async (req) => {
    const d = getStoragePoolDefinition(state, String(req.params.sp));
    await state.mutate((tx) => {
      const pools = [...state.storagePools.values()].filter((p) => nameKey(p.name) === nameKey(d.name));
      if (pools.length) {
        throw Errors.inUse(`Storage pool definition '${d.name}' still has storage pools.`,
          `Storage pools of this definition exist on: ${pools.slice(0, 10).map((p) => p.nodeName).join(', ')}`,
          'Delete the storage pools on those nodes first.', { obj: SPD, op: 'DEL', objRefs: { StorPoolDfn: d.name } });
      }
      tx.delete(state.storagePoolDefinitions, nameKey(d.name));
    });
    return { rc: [rcEntry('DELETED', `Storage pool definition '${d.name}' deleted.`, { obj: SPD, op: 'DEL', objRefs: { StorPoolDfn: d.name } })] };
  }));

  // Storage pools of one node. Fixed paths before parameters.
  r.get('/v1/nodes/:node/storage-pools/properties/info', route(reporter, { obj: SP }, 200, () => ({ json: propsInfo('STORAGEPOOL') })));
  r.get('/v1/nodes/:node/storage-pools', route(reporter, { obj: SP }, 200, (req) => {
    const node = getNode(state, String(req.params.node));
    const byName = nameFilter(listParam(req, 'storage_pools'));
    const byProps = propsFilter(req);
    return { json: page(req, state.storagePools.withPrefix(`${nameKey(node.name)}/`), (p) => byName(p.name) && byProps(p.props), (p) => storagePoolView(p, runtime)) };
  }));
  r.get('/v1/nodes/:node/storage-pools/:sp', route(reporter, { obj: SP }, 200, (req) => ({
    json: storagePoolView(getStoragePool(state, String(req.params.node), String(req.params.sp)), runtime),
  })));

  r.post('/v1/nodes/:node/storage-pools', route(reporter, { obj: SP, op: 'CRT', body: 'POST /v1/nodes/{node}/storage-pools' }, 201, async (req, _res, b) => ({
    rc: await createStoragePool(state, String(req.params.node), b),
  })));

  r.put('/v1/nodes/:node/storage-pools/:sp', route(reporter, { obj: SP, op: 'MOD', body: 'PUT /v1/nodes/{node}/storage-pools/{storagepool}' }, 200, async (req, _res, b) => {
    const { sp, change } = await state.mutate((tx) => {
      // A modification loads the pool by its parsed name, as LINSTOR does: an invalid one is FAIL_INVLD_STOR_POOL_NAME.
      const sp = getStoragePool(state, String(req.params.node), checkName('storage-pool', String(req.params.sp)));
      const node = getNode(state, sp.nodeName);
      const change = applyPropsModify(sp.props, b);
      // A modification may not leave the pool without the driver props its kind needs.
      checkDriverProps(sp.providerKind, change.props, node.props);
      tx.put(state.storagePools, storagePoolKey(sp.nodeName, sp.name), { ...sp, props: change.props });
      return { sp, change };
    });
    return { rc: [rcEntry('MODIFIED', `Storage pool '${sp.name}' on node '${sp.nodeName}' modified.`, { obj: SP, op: 'MOD', objRefs: { Node: sp.nodeName, StorPoolDfn: sp.name } }), ...unsetWarnings(change.unsetDeletes, SP)] };
  }));

  r.delete('/v1/nodes/:node/storage-pools/:sp', route(reporter, { obj: SP, op: 'DEL' }, 200, async (req) => {
    const nodeName = String(req.params.node);
    const poolName = String(req.params.sp);
    const node = getNode(state, nodeName);
    getStoragePoolDefinition(state, poolName);
    const sp = state.storagePools.get(storagePoolKey(node.name, poolName));
    if (!sp) {
      return { rc: [rcEntry('WARN_NOT_FOUND', `Deletion of storage pool '${poolName}' on node '${node.name}' had no effect.`, {
        obj: SP, op: 'DEL', cause: `Storage pool '${poolName}' on node '${node.name}' does not exist.`, objRefs: { Node: node.name, StorPoolDfn: poolName },
      })] };
    }
    await state.mutate((tx) => {
      const users = volumesUsingPool(state, sp);
      if (users.length) {
        throw new ApiError('FAIL_IN_USE', `The specified storage pool '${sp.name}' on node '${sp.nodeName}' can not be deleted as volumes are still using it.`, {
          obj: SP, op: 'DEL', objRefs: { Node: sp.nodeName, StorPoolDfn: sp.name },
          details: `Volumes that are still using the storage pool: ${users.slice(0, 20).map((u) => `\n   Node name: '${sp.nodeName}', resource name: '${u.resource}', volume number: ${u.volumeNumber}`).join('')}`,
          correction: users.length === 1 ? 'Delete the listed volume first.' : 'Delete the listed volumes first.',
        });
      }
      tx.delete(state.storagePools, storagePoolKey(sp.nodeName, sp.name));
    });
    return { rc: [rcEntry('DELETED', `Storage pool '${sp.name}' on node '${sp.nodeName}' deleted.`, { obj: SP, op: 'DEL', objRefs: { Node: sp.nodeName, StorPoolDfn: sp.name } })] };
  }));

  // Cluster-wide list (linstor storage-pool list).
  r.get('/v1/view/storage-pools', route(reporter, { obj: SP }, 200, (req) => {
    const byNode = nameFilter(listParam(req, 'nodes'));
    const byName = nameFilter(listParam(req, 'storage_pools'));
    const byProps = propsFilter(req);
    return { json: page(req, state.storagePools.values(), (p) => byNode(p.nodeName) && byName(p.name) && byProps(p.props), (p) => storagePoolView(p, runtime)) };
  }));

  r.get('/v1/stats/storage-pools', route(reporter, { obj: SP }, 200, () => ({ json: { count: state.storagePools.size } })));
}
