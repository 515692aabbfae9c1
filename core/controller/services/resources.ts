/**
 * Placing resources of a resource definition on nodes: pool resolution per volume, the
 * capacity check, DRBD node id / port / minor allocation. Everything here runs inside one
 * `state.mutate` callback, so a request that fails on its third resource stores nothing.
 */
import { autoEnableProxiesInTx } from '../drbd-proxy/service.js';
import { randomUUID } from 'node:crypto';
import { rcEntry, type ApiCallRc } from '../../model/apicallrc.js';
import { ApiError, Errors } from '../../model/errors.js';
import { nameKey } from '../../model/names.js';
import { isDisklessResource } from '../../model/resource-flags.js';
import type { LayerKind, Props, Resource, ResourceDefinition, StoragePool, VolumeState } from '../../model/types.js';
import { effectiveFreeKib, isThin } from '../../placement/index.js';
import { disklessStorPoolName, resolveStorPoolName } from '../../props/stor-pool-name.js';
import type { ControllerContext } from '../context.js';
import { getNode, resourceKey, resourcesOf, storagePoolKey } from '../lookup.js';
import type { Transaction } from '../state/cluster-state.js';
import { diskfulPeerPools } from '../state/volume-pool.js';
import { activeSharers } from '../state/shared-resources.js';
import type * as api from '../../api/index.js';
import { checkLayerStack, hasDrbd } from './layers.js';
import { allocateMinor, allocateNodeId, allocateTcpPort, NodeNumbers } from './numbers.js';
import { placementIndex } from '../placement/placement-index.js';
import { ensureVolumeKeysInTx } from './volume-keys.js';
import { DFLT_DISKLESS_STOR_POOL } from '../../model/defaults.js';

export interface ResourceCreateRequest {
  nodeName: string;
  props: Props;
  diskless: boolean;
  layerList?: LayerKind[];
  drbdNodeId?: number;
  /** Pool for every diskful volume, chosen by the autoplacer or toggle-disk (beats StorPoolName). */
  storagePool?: string;
  /** Extra resource flags (TIE_BREAKER, DRBD_CLIENT ...). */
  extraFlags?: string[];
}

/** Request-only spellings of "diskless" some clients send, beside the model's diskless flags. */
const CLIENT_FLAGS = ['DRBD_CLIENT', 'CLIENT'];

/** What one (validated) ResourceCreate asks for; the node comes from the path when it names one. */
export function toResourceCreate(b: api.ResourceCreate, nodeFromPath?: string): ResourceCreateRequest {
  const r: Partial<api.Resource> = b.resource ?? {};
  const nodeName = nodeFromPath ?? r.node_name;
  if (!nodeName) {
    throw new ApiError('API_CALL_PARSE_ERROR', "The resource needs a 'node_name'.", { correction: 'Send {"resource": {"node_name": "n1"}}.' });
  }
  const flags = (r.flags ?? []).map((f) => f.toUpperCase());
  return {
    nodeName,
    props: { ...r.props },
    diskless: isDisklessResource(flags) || flags.some((f) => CLIENT_FLAGS.includes(f)) || b.drbd_client === true,
    layerList: checkLayerStack(b.layer_list),
    drbdNodeId: b.drbd_node_id,
  };
}

function poolOnNode(ctx: ControllerContext, nodeName: string, pool: string): StoragePool | undefined {
  const sp = ctx.state.storagePools.get(storagePoolKey(nodeName, pool));
  if (sp) return sp;
  // Every LINSTOR node has DfltDisklessStorPool; accept it even if no row was created for it.
  if (nameKey(pool) === nameKey(DFLT_DISKLESS_STOR_POOL)) {
    return { name: DFLT_DISKLESS_STOR_POOL, nodeName, providerKind: 'DISKLESS', props: {}, uuid: '' };
  }
  return undefined;
}

/**
 * KiB already promised to volumes in a pool (thin pools count what was promised, not written),
 * including the resources staged so far: from the placement index, not a walk of the node.
 */
function reservedKib(ctx: ControllerContext, nodeName: string, pool: string): number {
  const index = placementIndex(ctx.state);
  return index.view(() => index.reserved.get(storagePoolKey(nodeName, pool)) ?? 0);
}

/**
 * Builds the resources in `tx` and returns them with LINSTOR's "registered" entries.
 * Throws (rolling everything back) on a missing node or pool, too little space, or a duplicate.
 */
export function createResourcesInTx(ctx: ControllerContext, tx: Transaction, rdName: string, reqs: ResourceCreateRequest[], now: number): { created: Resource[]; rc: ApiCallRc[] } {
  const { state, runtime } = ctx;
  let rd: ResourceDefinition | undefined = state.resourceDefinitions.get(nameKey(rdName));
  if (!rd) throw Errors.notFound('FAIL_NOT_FOUND_RSC_DFN', 'Resource definition', rdName, { obj: 'RSC_DFN', objRefs: { RscDfn: rdName } });
  const rg = state.resourceGroups.get(nameKey(rd.resourceGroup));
  const existing = resourcesOf(state, rd.name);
  const usedIds = new Set(existing.map((r) => r.drbdNodeId).filter((n): n is number => n !== undefined));
  const created: Resource[] = [];
  const rc: ApiCallRc[] = [];
  const seen = new Set<string>();
  const drbdNodes = reqs.filter((q) => hasDrbd(q.layerList ?? rd!.layerStack)).map((q) => q.nodeName);
  const numbers = drbdNodes.length ? new NodeNumbers(state, drbdNodes) : undefined;
  if (numbers && !existing.some((r) => !r.flags.includes('DELETE'))) {
    const rebased = numbers.rebase(rd, drbdNodes);
    if (rebased !== rd) { rd = rebased; tx.put(state.resourceDefinitions, nameKey(rd.name), rd); }
  }
  for (const req of reqs) {
    const node = getNode(state, req.nodeName);
    const key = resourceKey(rd.name, node.name);
    if (state.resources.has(key) || seen.has(key)) {
      throw new ApiError('FAIL_EXISTS_RSC', `A resource with the name '${rd.name}' already exists on node '${node.name}'.`, {
        obj: 'RSC', op: 'CRT', correction: 'Use another node, or delete the existing resource first.', objRefs: { RscDfn: rd.name, Node: node.name },
      });
    }
    seen.add(key);
    const stack = req.layerList ?? rd.layerStack;
    const drbd = hasDrbd(stack);
    checkNodeSupports(ctx, node.name, stack, rd.name);
    // Volumes: pool per volume, then the space check per pool.
    const volumes: Record<string, VolumeState> = {};
    const demand = new Map<string, { pool: StoragePool; kib: number; firstVlm: number }>();
    for (const vd of rd.volumeDefinitions) {
      let poolName: string;
      let isDefault = false;
      if (req.diskless) {
        poolName = disklessStorPoolName(req.props, (p) => poolOnNode(ctx, node.name, p)?.providerKind === 'DISKLESS');
      } else {
        const resolved = resolveStorPoolName({
          explicit: req.storagePool, resource: req.props, volumeDefinition: vd, resourceDefinition: rd,
          resourceGroup: rg, resourceGroupFilter: rg?.selectFilter, node,
          peerPools: diskfulPeerPools(state, rd.name, node.name), existsOnNode: (p) => poolOnNode(ctx, node.name, p) !== undefined,
        });
        poolName = resolved.name;
        isDefault = resolved.source === 'default';
      }
      const pool = poolOnNode(ctx, node.name, poolName);
      if (!pool) {
        throw new ApiError(isDefault ? 'FAIL_NOT_FOUND_DFLT_STOR_POOL' : 'FAIL_NOT_FOUND_STOR_POOL',
          `The ${isDefault ? 'default ' : ''}storage pool '${poolName}' for resource '${rd.name}' for volume number '${vd.volumeNumber}' is not deployed on node '${node.name}'.`, {
            obj: 'RSC', op: 'CRT',
            details: "The storage pool's name for this volume was looked for in the properties ('StorPoolName') of the resource, the volume definition, the resource definition, the resource group and the node, then in the pools of its diskful peers, then 'DfltStorPool'.",
            correction: `Create storage pool '${poolName}' on node '${node.name}', or name an existing pool (resource create --storage-pool).`,
            objRefs: { RscDfn: rd.name, Node: node.name, StorPool: poolName },
          });
      }
      volumes[String(vd.volumeNumber)] = { props: {}, flags: [], storagePool: pool.name };
      if (pool.providerKind === 'DISKLESS') continue;
      const d = demand.get(nameKey(pool.name)) ?? { pool, kib: 0, firstVlm: vd.volumeNumber };
      d.kib += vd.sizeKib;
      demand.set(nameKey(pool.name), d);
    }
    for (const d of demand.values()) {
      const rep = runtime.pools.get(storagePoolKey(node.name, d.pool.name));
      if (!rep) continue; // LINSTOR allows the volume when the free capacity is unknown
      const free = effectiveFreeKib({
        name: d.pool.name, nodeName: node.name, providerKind: d.pool.providerKind, freeKib: rep.freeCapacityKib, totalKib: rep.totalCapacityKib,
        props: d.pool.props, definitionProps: state.storagePoolDefinitions.get(nameKey(d.pool.name))?.props,
        reservedKib: isThin(d.pool.providerKind) ? reservedKib(ctx, node.name, d.pool.name) : 0,
      }, state.ctrlProps) ?? Number.POSITIVE_INFINITY;
      if (d.kib > free) {
        throw new ApiError('FAIL_INVLD_VLM_SIZE', `Not enough free space available for volume ${d.firstVlm} of resource '${rd.name}'.`, {
          obj: 'RSC', op: 'CRT',
          cause: `Storage pool '${d.pool.name}' on node '${node.name}' can take ${free} KiB${isThin(d.pool.providerKind) ? ' (thin, with its oversubscription ratio)' : ''}; the volumes need ${d.kib} KiB.`,
          correction: 'Use a smaller volume size or another storage pool, or add space to the pool.',
          objRefs: { RscDfn: rd.name, Node: node.name, StorPool: d.pool.name },
        });
      }
    }
    let drbdNodeId: number | undefined;
    let drbdPort: number | undefined;
    if (drbd) {
      drbdNodeId = allocateNodeId(usedIds, req.drbdNodeId);
      usedIds.add(drbdNodeId);
      rd = ensureDrbdNumbers(ctx, tx, rd);
      const own = numbers!.assign(rd, node.name);
      drbdPort = own.drbdPort;
      for (const [nr, m] of Object.entries(own.minors)) volumes[nr] = { ...volumes[nr]!, minorNumber: m };
    }
    const flags = req.diskless ? (drbd ? ['DISKLESS', 'DRBD_DISKLESS'] : ['DISKLESS']) : [];
    for (const f of req.extraFlags ?? []) if (!flags.includes(f)) flags.push(f);
    const rsc: Resource = {
      name: rd.name, nodeName: node.name, props: req.props, flags, layerStack: stack, drbdNodeId, volumes, createTimestamp: now, uuid: randomUUID(),
      ...(drbdPort !== undefined ? { drbdPort } : {}),
    };
    const refs = { RscDfn: rd.name, Node: node.name };
    // A shared volume another node holds active: this one starts INACTIVE (LINSTOR does the same).
    const holder = rsc.flags.includes('INACTIVE') ? undefined : activeSharers(state, rsc, rd, created)[0];
    if (holder) rsc.flags.push('INACTIVE');
    tx.put(state.resources, key, rsc);
    created.push(rsc);
    rc.push(rcEntry('CREATED', `New resource '${rd.name}' on node '${node.name}' registered.`, { obj: 'RSC', op: 'CRT', details: `Resource '${rd.name}' on node '${node.name}' UUID is: ${rsc.uuid}`, objRefs: refs }));
    if (holder) {
      rc.push(rcEntry('INFO_NOOP', `Resource '${rd.name}' on node '${node.name}' was created inactive: its shared volume is active on node '${holder.nodeName}'.`, {
        obj: 'RSC', op: 'CRT', details: `Only one resource per shared storage pool can be active. Deactivate it on '${holder.nodeName}', then activate it here.`, objRefs: refs,
      }));
    }
    for (const vd of rd.volumeDefinitions) {
      rc.push(rcEntry('CREATED', `Volume with number '${vd.volumeNumber}' on resource '${rd.name}' on node '${node.name}' successfully registered`, {
        obj: 'VLM', op: 'CRT', objRefs: { ...refs, VlmNr: String(vd.volumeNumber) },
      }));
    }
  }
  // Encrypted volumes: the keys commit with the first LUKS resource (or fail it when locked).
  ensureVolumeKeysInTx(ctx, tx, rd, reqs.map((q) => q.layerList ?? rd!.layerStack));
  // DrbdProxy/AutoEnable: connections between sites go through DRBD Proxy from the start.
  if (drbdNodes.length) rc.push(...autoEnableProxiesInTx(ctx, tx, rd.name));
  return { created, rc };
}

/** Gives the definition its preferred DRBD port and its volume definitions their minors if they lack them. */
export function ensureDrbdNumbers(ctx: ControllerContext, tx: Transaction, rd: ResourceDefinition): ResourceDefinition {
  const needPort = rd.drbd?.port === undefined;
  const needMinor = rd.volumeDefinitions.some((v) => v.minorNumber === undefined);
  if (!needPort && !needMinor) return rd;
  const picked: number[] = [];
  const vds = rd.volumeDefinitions.map((v) => {
    if (v.minorNumber !== undefined) return v;
    const m = allocateMinor(ctx.state, undefined, picked);
    picked.push(m);
    return { ...v, minorNumber: m };
  });
  const next: ResourceDefinition = {
    ...rd, volumeDefinitions: vds,
    drbd: { ...rd.drbd, port: rd.drbd?.port ?? allocateTcpPort(ctx.state) },
  };
  tx.put(ctx.state.resourceDefinitions, nameKey(rd.name), next);
  return next;
}

/**
 * A satellite that reported its capabilities and lacks a layer (no DRBD kernel module, and not
 * started with --drbd-dry-run) cannot host a resource using it: refuse now, not at apply time.
 */
export function checkNodeSupports(ctx: ControllerContext, nodeName: string, stack: readonly LayerKind[], rdName: string): void {
  const hello = ctx.runtime.nodes.get(nameKey(nodeName))?.hello;
  if (!hello) return;
  const missing = stack.filter((l) => l !== 'STORAGE' && !hello.layers.includes(l));
  if (!missing.length) return;
  const why = missing.flatMap((l) => hello.unsupportedLayers?.[l] ?? []).join('; ');
  throw new ApiError('FAIL_STLT_DOES_NOT_SUPPORT_LAYER', `Node '${nodeName}' does not support the layer(s) ${missing.join(', ')} needed by resource '${rdName}'.`, {
    obj: 'RSC', op: 'CRT', cause: why || `The satellite did not report ${missing.join(', ')} as usable.`,
    correction: missing.includes('DRBD')
      ? 'Load the DRBD 9 kernel module on that node (or start its satellite with --drbd-dry-run for tests), or use layer list STORAGE.'
      : 'Install what the layer needs on that node, or use another layer list.',
    objRefs: { RscDfn: rdName, Node: nodeName },
  });
}
