/**
 * Taking snapshots (single, multi, automatic). Consistent across nodes: the snapshot is
 * registered with `take` set, every node takes it in the same push (suspending DRBD I/O
 * around it when DRBD is in the stack), and only when all nodes report it is it SUCCESSFUL.
 */
import { randomUUID } from 'node:crypto';
import { rcEntry, type ApiCallRc } from '../../model/apicallrc.js';
import { ApiError, Errors } from '../../model/errors.js';
import { checkName, nameKey } from '../../model/names.js';
import { snapshotKey, type Snapshot, type SnapshotFlag, type SnapshotNode } from '../../model/snapshot.js';
import { supportsSnapshots } from '../../model/provider-kinds.js';
import { isDisklessResource } from '../../model/resource-flags.js';
import type { Props } from '../../model/types.js';
import type { ControllerContext } from '../context.js';
import { getResourceDefinition, resourcesOf, storagePoolKey } from '../lookup.js';
import type { Transaction } from '../state/cluster-state.js';
import { volumeStoragePool } from '../state/volume-pool.js';
import {
  findSnapshot, isOnline, notSupported, reportedSnapshot, snapshotsOf, snapshotTable, touchNodes, waitNodes,
} from './common.js';

export interface SnapshotRequest {
  resourceName: string;
  name: string;
  nodes?: string[];
  /** Extra RD props to set in the same transaction (the automatic snapshot counter). */
  rdProps?: Props;
  flags?: SnapshotFlag[];
  /** Props of the new snapshot definition (a backup marks its snapshot while it uploads). */
  props?: Props;
}


/** Builds the snapshot object for one request (validated against the current state). */
function buildSnapshot(ctx: ControllerContext, req: SnapshotRequest, sequence: number, now: number): Snapshot {
  const { state } = ctx;
  const rd = getResourceDefinition(state, req.resourceName);
  checkName('snapshot', req.name);
  if (findSnapshot(state, rd.name, req.name)) {
    throw Errors.exists('FAIL_EXISTS_SNAPSHOT_DFN', 'Snapshot definition', req.name, {
      obj: 'SNAPSHOT', op: 'CRT', objRefs: { RscDfn: rd.name, Snapshot: req.name },
      cause: `Resource definition '${rd.name}' already has a snapshot named '${req.name}'.`,
    });
  }
  const all = resourcesOf(state, rd.name).filter((r) => !r.flags.includes('DELETE'));
  let chosen = all.filter((r) => !isDisklessResource(r.flags));
  if (req.nodes?.length) {
    chosen = req.nodes.map((n) => {
      const r = all.find((x) => nameKey(x.nodeName) === nameKey(n));
      if (!r) throw Errors.notFound('FAIL_NOT_FOUND_RSC', 'Resource', `${rd.name}' on node '${n}`, { obj: 'RSC', objRefs: { RscDfn: rd.name, Node: n } });
      if (isDisklessResource(r.flags)) {
        throw new ApiError('FAIL_SNAPSHOTS_NOT_SUPPORTED', `Cannot create snapshot from diskless resource on node '${r.nodeName}'`, { obj: 'SNAPSHOT', op: 'CRT' });
      }
      return r;
    });
  }
  if (!chosen.length) throw new ApiError('FAIL_NOT_FOUND_RSC', 'No resources found for snapshotting', { obj: 'SNAPSHOT', op: 'CRT', objRefs: { RscDfn: rd.name } });
  const vds = rd.volumeDefinitions.filter((v) => !v.flags.includes('DELETE'));
  const nodes: SnapshotNode[] = chosen.map((r) => {
    const pools: Record<string, string> = {};
    for (const vd of vds) {
      const poolName = volumeStoragePool(state, r, rd, vd);
      const sp = state.storagePools.get(storagePoolKey(r.nodeName, poolName));
      const reported = ctx.runtime.pools.get(storagePoolKey(r.nodeName, poolName));
      const kind = sp?.providerKind ?? reported?.providerKind ?? 'UNKNOWN';
      if (!supportsSnapshots(kind) || reported?.supportsSnapshots === false) throw notSupported(kind, poolName, r.nodeName);
      pools[String(vd.volumeNumber)] = sp?.name ?? poolName;
    }
    return { nodeName: r.nodeName, storagePools: pools, layerStack: [...(r.layerStack.length ? r.layerStack : rd.layerStack)], createTimestamp: now, flags: [], props: { ...r.props }, uuid: randomUUID() };
  });
  return {
    name: req.name, resourceName: rd.name, flags: [...(req.flags ?? [])], props: { ...req.props }, sequence,
    volumeDefinitions: vds.map((v) => ({ volumeNumber: v.volumeNumber, sizeKib: v.sizeKib, props: { ...v.props } })),
    nodes, take: true, uuid: randomUUID(),
  };
}

function nextSequence(ctx: ControllerContext, rdName: string, extra: Snapshot[]): number {
  return Math.max(0, ...snapshotsOf(ctx.state, rdName).map((s) => s.sequence), ...extra.filter((s) => nameKey(s.resourceName) === nameKey(rdName)).map((s) => s.sequence)) + 1;
}

/** Registers all snapshots in one transaction, lets the nodes take them, then records the outcome. */
export async function createSnapshots(ctx: ControllerContext, reqs: SnapshotRequest[]): Promise<ApiCallRc[]> {
  const { state } = ctx;
  const now = ctx.clock();
  const snaps = await state.mutate((tx) => {
    const built: Snapshot[] = [];
    for (const req of reqs) {
      const s = buildSnapshot(ctx, req, nextSequence(ctx, req.resourceName, built), now);
      if (built.some((b) => nameKey(b.resourceName) === nameKey(s.resourceName) && nameKey(b.name) === nameKey(s.name))) {
        throw Errors.exists('FAIL_EXISTS_SNAPSHOT_DFN', 'Snapshot definition', s.name, { obj: 'SNAPSHOT', op: 'CRT' });
      }
      built.push(s);
      put(ctx, tx, s);
      if (req.rdProps) {
        const rd = state.resourceDefinitions.get(nameKey(s.resourceName))!;
        tx.put(state.resourceDefinitions, nameKey(rd.name), { ...rd, props: { ...rd.props, ...req.rdProps } });
      }
      touchNodes(ctx, tx, s.nodes.map((n) => n.nodeName));
    }
    return built;
  });
  const rc: ApiCallRc[] = [];
  for (const s of snaps) {
    rc.push(rcEntry('CREATED', `New snapshot '${s.name}' of resource '${s.resourceName}' registered.`, {
      obj: 'SNAPSHOT', op: 'CRT', details: `Snapshot '${s.name}' of resource '${s.resourceName}' UUID is: ${s.uuid}`, objRefs: { RscDfn: s.resourceName, Snapshot: s.name },
    }));
  }
  const allNodes = [...new Set(snaps.flatMap((s) => s.nodes.map((n) => n.nodeName)))];
  const late = await waitNodes(ctx, allNodes);

  const failures: ApiCallRc[] = [];
  const outcome = new Map<string, SnapshotFlag>();
  for (const s of snaps) {
    let ok = true;
    for (const n of s.nodes) {
      const refs = { RscDfn: s.resourceName, Snapshot: s.name, Node: n.nodeName };
      const rep = reportedSnapshot(ctx, s.resourceName, n.nodeName, s.name);
      if (!isOnline(ctx, n.nodeName) || late.has(nameKey(n.nodeName))) {
        ok = false;
        failures.push(rcEntry('FAIL_NOT_CONNECTED', `Snapshot '${s.name}' of resource '${s.resourceName}' could not be taken on node '${n.nodeName}': no answer from its satellite.`, { obj: 'SNAPSHOT', op: 'CRT', objRefs: refs }));
      } else if (!rep?.present || rep.error) {
        ok = false;
        failures.push(rcEntry('FAIL_UNKNOWN_ERROR', `Snapshot '${s.name}' of resource '${s.resourceName}' failed on node '${n.nodeName}'.`, {
          obj: 'SNAPSHOT', op: 'CRT', cause: rep?.error ?? 'The satellite did not report the snapshot.', objRefs: refs,
        }));
      } else {
        if (n.layerStack.includes('DRBD')) rc.push(rcEntry('MODIFIED', `Suspended IO of '${s.resourceName}' on '${n.nodeName}' for snapshot`, { obj: 'SNAPSHOT', op: 'CRT', objRefs: refs, details: rep.plan?.length ? `dry run: ${rep.plan.join('; ')}` : undefined }));
        rc.push(rcEntry('CREATED', `Took snapshot of '${s.resourceName}' on '${n.nodeName}'`, { obj: 'SNAPSHOT', op: 'CRT', objRefs: refs }));
        if (n.layerStack.includes('DRBD')) rc.push(rcEntry('MODIFIED', `Resumed IO of '${s.resourceName}' on '${n.nodeName}' after snapshot`, { obj: 'SNAPSHOT', op: 'CRT', objRefs: refs }));
      }
    }
    outcome.set(nameKey(s.resourceName) + '/' + nameKey(s.name), ok ? 'SUCCESSFUL' : 'FAILED_DEPLOYMENT');
  }
  // The outcome is recorded; `take` is cleared so a satellite never re-takes it with newer data.
  await state.mutate((tx) => {
    for (const s of snaps) {
      const cur = findSnapshot(state, s.resourceName, s.name);
      if (!cur) continue;
      const flag = outcome.get(nameKey(s.resourceName) + '/' + nameKey(s.name))!;
      put(ctx, tx, { ...cur, take: false, flags: [...cur.flags.filter((f) => f !== 'SUCCESSFUL' && f !== 'FAILED_DEPLOYMENT'), flag] });
    }
  });
  return [...rc, ...failures];
}

export function put(ctx: ControllerContext, tx: Transaction, s: Snapshot): void {
  tx.put(snapshotTable(ctx.state), snapshotKey(nameKey(s.resourceName), nameKey(s.name)), s);
}
