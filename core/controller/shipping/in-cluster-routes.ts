/**
 * LINSTOR's snapshot shipping inside one cluster on the wire (REST API before 1.32, which the
 * current spec no longer lists: bodies are checked field by field here), and its
 * `SnapshotShipping/RunEvery` scheduler, one per controller.
 */
import type { Router } from 'express';
import { ApiError } from '../../model/errors.js';
import type { ResourceDefinition } from '../../model/types.js';
import { propValue } from '../../props/resolver.js';
import type { ControllerContext } from '../context.js';
import { route } from '../http/handler.js';
import { listParam, nameFilter, page } from '../http/query.js';
import { definitionLevels, PerDefinitionInterval } from '../snapshots/interval.js';
import { snapshotTable } from '../snapshots/common.js';
import { snapshotView } from '../views/snapshots.js';
import { dropInterruptedShipments, SHIP_SOURCE, SHIP_TARGET, shipInCluster } from './in-cluster.js';

const SHIP = { obj: 'SNAPSHOT' as const, op: 'CRT' as const };

/** `SnapshotShipping/RunEvery` (minutes): ships from `SourceNode` (else the first active replica) to `TargetNode`. */
export class SnapshotShippingScheduler extends PerDefinitionInterval {
  protected readonly what = 'snapshot shipping';

  constructor(ctx: ControllerContext, opts: { unitMs?: number } = {}) {
    super(ctx, 'SnapshotShipping/RunEvery', opts);
  }

  protected async runFor(rd: ResourceDefinition): Promise<void> {
    const lv = definitionLevels(this.ctx, rd);
    await shipInCluster(this.ctx, { resource: rd.name, from: propValue('SnapshotShipping/SourceNode', lv), to: propValue('SnapshotShipping/TargetNode', lv), via: 'properties' });
  }
}

/** An optional string field of the body (a number is taken as its text, as Jackson would). */
function field(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  throw new ApiError('API_CALL_PARSE_ERROR', `'${name}' must be a string.`, { ...SHIP, correction: 'Send {"from_node": "n1", "to_node": "n2"}.' });
}

export function registerInClusterShippingRoutes(r: Router, ctx: ControllerContext): void {
  const { state, runtime, reporter } = ctx;
  const scheduler = new SnapshotShippingScheduler(ctx);
  scheduler.start();
  ctx.onStop?.(() => scheduler.stop());
  void dropInterruptedShipments(ctx).catch((e: Error) => ctx.log.warn({ err: e.message }, 'dropping interrupted snapshot shipments failed'));

  r.post('/v1/resource-definitions/:rd/snapshot-shipping', route(reporter, SHIP, 200, async (q) => {
    const b = q.body;
    if (!b || typeof b !== 'object' || Array.isArray(b)) throw new ApiError('API_CALL_PARSE_ERROR', 'The snapshot shipping request must be a JSON object.', { ...SHIP, correction: 'Send {"from_node": "n1", "to_node": "n2"}.' });
    const body = b as Record<string, unknown>;
    return { rc: await shipInCluster(ctx, { resource: String(q.params.rd), from: field(body, 'from_node'), to: field(body, 'to_node'), toNic: field(body, 'to_nic'), via: 'request' }) };
  }));

  r.get('/v1/view/snapshot-shippings', route(reporter, { obj: 'SNAPSHOT' }, 200, (q) => {
    const byNode = nameFilter(listParam(q, 'nodes'));
    const byRsc = nameFilter(listParam(q, 'resources'));
    const bySnap = nameFilter(listParam(q, 'snapshots'));
    const status = listParam(q, 'status').map((s) => s.toLowerCase());
    const want = (s: string) => !status.length || status.includes(s.toLowerCase());
    const statusOf = (flags: string[]) => flags.includes('SHIPPING') ? 'Running' : flags.includes('SHIPPED') ? 'Complete' : undefined;
    const all = [...snapshotTable(state).values()].filter((s) => s.props[SHIP_SOURCE] && s.props[SHIP_TARGET])
      .sort((a, b) => a.resourceName.localeCompare(b.resourceName) || a.sequence - b.sequence);
    return {
      json: page(q, all, (s) => {
        const st = statusOf(s.flags);
        return st !== undefined && want(st) && byRsc(s.resourceName) && bySnap(s.name) && (byNode(s.props[SHIP_SOURCE]!) || byNode(s.props[SHIP_TARGET]!));
      }, (s) => ({ snapshot: snapshotView(state, runtime, s), from_node_name: s.props[SHIP_SOURCE], to_node_name: s.props[SHIP_TARGET], status: statusOf(s.flags) })),
    };
  }));
}
