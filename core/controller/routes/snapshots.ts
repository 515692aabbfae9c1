import type { Router } from 'express';
import { rcEntry } from '../../model/apicallrc.js';
import { ApiError } from '../../model/errors.js';
import { nameKey } from '../../model/names.js';
import type { ControllerContext } from '../context.js';
import { route } from '../http/handler.js';
import { listParam, nameFilter, page } from '../http/query.js';
import { getResourceDefinition } from '../lookup.js';
import { AutoSnapshotScheduler } from '../snapshots/auto.js';
import { cloneStatus, startClone, syncStatus } from '../snapshots/clone.js';
import { getSnapshot, snapshotsOf, snapshotTable } from '../snapshots/common.js';
import { createSnapshots, put, type SnapshotRequest } from '../snapshots/create.js';
import { deleteSnapshot, rollbackSnapshot } from '../snapshots/delete-rollback.js';
import { restoreResources, restoreVolumeDefinitions } from '../snapshots/restore.js';
import { snapshotView } from '../views/snapshots.js';
import { applyPropsModify } from '../../props/modify.js';
import type * as api from '../../api/index.js';

/** A validated Snapshot request (core/api/rules.ts checks the names); the path may name the resource. */
function snapshotRequest(b: api.Snapshot, rdFromPath?: string): SnapshotRequest {
  const rd = rdFromPath ?? b.resource_name;
  if (!rd) throw new ApiError('API_CALL_PARSE_ERROR', "A snapshot needs 'resource_name'.", { correction: 'Send {"name": "snap1", "resource_name": "res1"}.' });
  return { resourceName: rd, name: b.name!, nodes: b.nodes };
}

export function registerSnapshotRoutes(r: Router, ctx: ControllerContext): void {
  const { state, runtime, reporter } = ctx;
  const SNAP = { obj: 'SNAPSHOT' as const };
  // One per controller, on its own context, stopped when it stops serving (several controllers may share a process).
  const auto = new AutoSnapshotScheduler(ctx);
  auto.start();
  ctx.onStop?.(() => auto.stop());

  r.get('/v1/view/snapshots', route(reporter, SNAP, 200, (req) => {
    const byNode = nameFilter(listParam(req, 'nodes'));
    const byRsc = nameFilter(listParam(req, 'resources'));
    const bySnap = nameFilter(listParam(req, 'snapshots'));
    const all = [...snapshotTable(state).values()].sort((a, b) => a.resourceName.localeCompare(b.resourceName) || a.sequence - b.sequence);
    return { json: page(req, all, (s) => byRsc(s.resourceName) && bySnap(s.name) && s.nodes.some((n) => byNode(n.nodeName)), (s) => snapshotView(state, runtime, s)) };
  }));

  r.post('/v1/actions/snapshot/multi', route(reporter, { obj: 'SNAPSHOT', op: 'CRT', body: 'POST /v1/actions/snapshot/multi' }, 201, async (_req, _res, b) => {
    if (!b.snapshots?.length) throw new ApiError('API_CALL_PARSE_ERROR', "The request needs a non-empty 'snapshots' list.", { correction: 'Send {"snapshots": [{"name": "s1", "resource_name": "r1"}]}.' });
    return { rc: await createSnapshots(ctx, b.snapshots.map((s) => snapshotRequest(s))) };
  }));

  r.get('/v1/resource-definitions/:rd/snapshots', route(reporter, SNAP, 200, (req) => {
    const rd = getResourceDefinition(state, String(req.params.rd));
    const byNode = nameFilter(listParam(req, 'nodes'));
    return { json: page(req, snapshotsOf(state, rd.name), (s) => s.nodes.some((n) => byNode(n.nodeName)), (s) => snapshotView(state, runtime, s)) };
  }));

  r.post('/v1/resource-definitions/:rd/snapshots', route(reporter, { obj: 'SNAPSHOT', op: 'CRT', body: 'POST /v1/resource-definitions/{resource}/snapshots' }, 201, async (req, _res, b) => ({
    rc: await createSnapshots(ctx, [snapshotRequest(b, String(req.params.rd))]),
  })));

  r.get('/v1/resource-definitions/:rd/snapshots/:snap', route(reporter, SNAP, 200, (req) => ({
    json: snapshotView(state, runtime, getSnapshot(state, getResourceDefinition(state, String(req.params.rd)).name, String(req.params.snap))),
  })));

  r.put('/v1/resource-definitions/:rd/snapshots/:snap', route(reporter, { obj: 'SNAPSHOT', op: 'MOD', body: 'PUT /v1/resource-definitions/{resource}/snapshots/{snapshot}' }, 200, async (req, _res, body) => {
    const rd = getResourceDefinition(state, String(req.params.rd));
    const s = await state.mutate((tx) => {
      const cur = getSnapshot(state, rd.name, String(req.params.snap));
      const next = { ...cur, props: applyPropsModify(cur.props, body).props };
      put(ctx, tx, next);
      return next;
    });
    return { rc: [rcEntry('MODIFIED', `Snapshot '${s.name}' of resource '${rd.name}' modified.`, { obj: 'SNAPSHOT', op: 'MOD', objRefs: { RscDfn: rd.name, Snapshot: s.name } })] };
  }));

  r.delete('/v1/resource-definitions/:rd/snapshots/:snap', route(reporter, { obj: 'SNAPSHOT', op: 'DEL' }, 200, async (req) => ({
    rc: await deleteSnapshot(ctx, String(req.params.rd), String(req.params.snap), listParam(req, 'nodes')),
  })));

  r.post('/v1/resource-definitions/:rd/snapshot-restore-volume-definition/:snap', route(reporter, { obj: 'VLM_DFN', op: 'CRT', body: 'POST /v1/resource-definitions/{resource}/snapshot-restore-volume-definition/{snapshot}' }, 200, async (req, _res, b) => ({
    rc: await restoreVolumeDefinitions(ctx, String(req.params.rd), String(req.params.snap), b),
  })));

  r.post('/v1/resource-definitions/:rd/snapshot-restore-resource/:snap', route(reporter, { obj: 'RSC', op: 'CRT', body: 'POST /v1/resource-definitions/{resource}/snapshot-restore-resource/{snapshot}' }, 200, async (req, _res, b) => ({
    rc: await restoreResources(ctx, String(req.params.rd), String(req.params.snap), b),
  })));

  // Proxmox sends no body, linstor-client `{}`; zfs_rollback_strategy is validated and ignored (README, Known gaps).
  r.post('/v1/resource-definitions/:rd/snapshot-rollback/:snap', route(reporter, { obj: 'SNAPSHOT', op: 'MOD', body: 'POST /v1/resource-definitions/{resource}/snapshot-rollback/{snapshot}', bodyOptional: true }, 200, async (req) => ({
    rc: await rollbackSnapshot(ctx, String(req.params.rd), String(req.params.snap)),
  })));

  r.post('/v1/resource-definitions/:rd/clone', route(reporter, { obj: 'RSC_DFN', op: 'CRT', body: 'POST /v1/resource-definitions/{resource}/clone' }, 201, async (req, _res, b) => ({
    json: await startClone(ctx, String(req.params.rd), b),
  })));

  r.get('/v1/resource-definitions/:rd/clone/:clone', route(reporter, { obj: 'RSC_DFN' }, 200, (req) => ({
    json: cloneStatus(ctx, String(req.params.rd), String(req.params.clone)),
  })));

  r.get('/v1/resource-definitions/:rd/sync-status', route(reporter, { obj: 'RSC_DFN' }, 200, (req) => ({
    json: syncStatus(ctx, String(req.params.rd)),
  })));
}

/** For the resource-definition delete check (routes/resource-definitions.ts). */
export function hasSnapshots(ctx: ControllerContext, rdName: string): boolean {
  return [...snapshotTable(ctx.state).withPrefix(`${nameKey(rdName)}/`)].length > 0;
}
