/**
 * `resource toggle-disk`: turn a diskless DRBD resource into a diskful one (optionally
 * `--migrate-from` another node, whose replica is removed once the new one is ready) or a
 * diskful one into a diskless/client one. The resource keeps its identity (UUID, DRBD node id,
 * port, minors); only its volumes' pools and its flags change, in one transaction.
 */
import { rcEntry, type ApiCallRc } from '../../model/apicallrc.js';
import { ApiError } from '../../model/errors.js';
import { checkName, nameKey } from '../../model/names.js';
import type { LayerKind, Resource } from '../../model/types.js';
import type { ControllerContext } from '../context.js';
import { getResource, getResourceDefinition, resourceKey } from '../lookup.js';
import { applyAndReport } from '../services/apply.js';
import { deleteResources } from '../services/deletion.js';
import { checkLayerStack } from '../services/layers.js';
import { createResourcesInTx } from '../services/resources.js';
import type { Transaction } from '../state/cluster-state.js';
import { poolForNode } from './autoplace.js';
import { isDiskful } from './snapshot.js';

export type ToggleOperation = 'INTO_DRBD_DISKFUL' | 'INTO_DRBD_CLIENT' | 'INTO_DRBD_DISKLESS';
const OPS: ToggleOperation[] = ['INTO_DRBD_DISKFUL', 'INTO_DRBD_CLIENT', 'INTO_DRBD_DISKLESS'];

export interface ToggleRequest {
  operation: ToggleOperation;
  storagePool?: string;
  migrateFrom?: string;
  layerList?: LayerKind[];
}

/** What a toggle-disk route asks: its validated body merged with its path parameters. */
export interface ToggleAsk { operation?: string; storage_pool?: string; migrate_from?: string; layer_list?: string[] }

export function toToggleRequest(body: ToggleAsk): ToggleRequest {
  const op = body.operation?.toUpperCase() ?? 'INTO_DRBD_DISKFUL';
  if (!OPS.includes(op as ToggleOperation)) {
    throw new ApiError('API_CALL_PARSE_ERROR', `Unknown toggle-disk operation '${op}'.`, { correction: `Use one of ${OPS.join(', ')}.` });
  }
  const sp = body.storage_pool;
  const from = body.migrate_from;
  return {
    operation: op as ToggleOperation,
    storagePool: sp ? checkName('storage-pool', sp) : undefined,
    migrateFrom: from ? checkName('node', from) : undefined,
    layerList: checkLayerStack(body.layer_list),
  };
}

/** Rebuilds `cur` in `tx` as diskful/diskless, keeping identity and DRBD numbers. */
export function rebuildInTx(ctx: ControllerContext, tx: Transaction, cur: Resource, diskless: boolean, storagePool?: string, layerList?: LayerKind[]): Resource {
  const key = resourceKey(cur.name, cur.nodeName);
  tx.delete(ctx.state.resources, key);
  const props = { ...cur.props };
  if (diskless && storagePool) props.StorPoolName = storagePool;
  if (!diskless) delete props.StorPoolName;
  const made = createResourcesInTx(ctx, tx, cur.name, [{
    nodeName: cur.nodeName, props, diskless, layerList: layerList ?? cur.layerStack, drbdNodeId: cur.drbdNodeId, storagePool: diskless ? undefined : storagePool,
  }], cur.createTimestamp).created[0]!;
  const volumes = Object.fromEntries(Object.entries(made.volumes).map(([nr, v]) => [nr, { ...v, props: cur.volumes[nr]?.props ?? v.props, ...(cur.volumes[nr]?.minorNumber !== undefined ? { minorNumber: cur.volumes[nr]!.minorNumber } : {}) }]));
  const kept = cur.flags.filter((f) => f === 'INACTIVE');
  const next: Resource = {
    ...made, uuid: cur.uuid, volumes, flags: [...made.flags.filter((f) => f !== 'TIE_BREAKER'), ...kept],
    ...(cur.drbdPort !== undefined ? { drbdPort: cur.drbdPort } : {}),
  };
  if (cur.drbdPort === undefined) delete next.drbdPort;
  tx.put(ctx.state.resources, key, next);
  return next;
}

export async function toggleDisk(ctx: ControllerContext, rdName: string, nodeName: string, req: ToggleRequest): Promise<ApiCallRc[]> {
  const { state } = ctx;
  const rd = getResourceDefinition(state, rdName);
  const cur = getResource(state, rd.name, nodeName);
  const refs = { RscDfn: rd.name, Node: cur.nodeName };
  const toDiskful = req.operation === 'INTO_DRBD_DISKFUL';
  if (toDiskful && isDiskful(cur)) {
    return [rcEntry('WARN_RSC_ALREADY_HAS_DISK', `Resource '${rd.name}' on node '${cur.nodeName}' already has a disk.`, { obj: 'RSC', op: 'MOD', objRefs: refs })];
  }
  if (!toDiskful && !isDiskful(cur)) {
    return [rcEntry('WARN_RSC_ALREADY_DISKLESS', `Resource '${rd.name}' on node '${cur.nodeName}' is already diskless.`, { obj: 'RSC', op: 'MOD', objRefs: refs })];
  }
  if (req.migrateFrom) {
    const src = getResource(state, rd.name, req.migrateFrom);
    if (!isDiskful(src)) {
      throw new ApiError('FAIL_INVLD_RSC_STATE', `Resource '${rd.name}' on node '${src.nodeName}' has no disk to migrate from.`, { obj: 'RSC', op: 'MOD', correction: 'Name a node with a diskful replica in migrate_from.', objRefs: { RscDfn: rd.name, Node: src.nodeName } });
    }
  }
  const pool = req.storagePool ?? (toDiskful ? poolForNode(ctx, rd, cur.nodeName) : undefined);
  await state.mutate((tx) => rebuildInTx(ctx, tx, getResource(state, rd.name, nodeName), !toDiskful, pool, req.layerList));
  const rc: ApiCallRc[] = [rcEntry('MODIFIED', `Resource '${rd.name}' on node '${cur.nodeName}' toggled to ${toDiskful ? 'diskful' : 'diskless'}.`, { obj: 'RSC', op: 'MOD', objRefs: refs })];
  rc.push(...(await applyAndReport(ctx, [{ rdName: rd.name, nodeName: cur.nodeName }], 'modify')).filter((e) => e.ret_code < 0n));
  if (req.migrateFrom) {
    // LINSTOR waits for the resync before dropping the source; we wait for the new disk to be ready.
    const ready = ctx.runtime.resources.get(resourceKey(rd.name, cur.nodeName))?.ready === true || ctx.runtime.nodes.get(nameKey(cur.nodeName))?.status !== 'ONLINE';
    if (ready) {
      const del = await deleteResources(ctx, rd.name, [req.migrateFrom]);
      rc.push(rcEntry('DELETED', `Resource '${rd.name}' on node '${req.migrateFrom}' deleted after migrating its disk to '${cur.nodeName}'.`, { obj: 'RSC', op: 'DEL', objRefs: { RscDfn: rd.name, Node: req.migrateFrom } }), ...del.rc.filter((e) => e.ret_code < 0n));
    } else {
      rc.push(rcEntry('WARN_STLT_NOT_UPDATED', `The new disk on '${cur.nodeName}' is not ready yet; resource '${rd.name}' on '${req.migrateFrom}' was kept.`, { obj: 'RSC', op: 'MOD', correction: `Delete it with 'resource delete ${req.migrateFrom} ${rd.name}' once the new disk is in sync.`, objRefs: refs }));
    }
  }
  return rc;
}
