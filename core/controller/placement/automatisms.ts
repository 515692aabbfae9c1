/**
 * Background automatisms, checked on a timer from memory only:
 *  - auto-evict (`DrbdOptions/AutoEvictAfterTime` minutes, default 60; `AutoEvictAllowEviction`
 *    per node or controller; `AutoEvictMaxDisconnectedNodes` percent, default 34): a satellite
 *    offline longer than that is EVICTED and its replicas are re-placed. When more nodes than
 *    the percentage are offline at once, nothing is evicted (it is the network, not the nodes).
 *  - auto-diskful (`DrbdOptions/auto-diskful` minutes): a diskless resource that has been in use
 *    (Primary) that long becomes diskful; with `DrbdOptions/auto-diskful-allow-cleanup` a diskful
 *    replica beyond the place count is then removed from a node where it is not in use.
 * Test hooks: LINSTOR_AUTO_EVICT_AFTER_SECONDS / LINSTOR_AUTO_DISKFUL_AFTER_SECONDS override the
 * minute props with seconds (auto-diskful still only where its prop is set); LINSTOR_AUTOMATISMS_TICK_MS sets the check interval.
 */
import { nameKey } from '../../model/names.js';
import type { Node } from '../../model/types.js';
import { propChain } from '../../props/chain.js';
import { propValue } from '../../props/resolver.js';
import type { ControllerContext } from '../context.js';
import { resourceKey, resourcesOf } from '../lookup.js';
import { deleteResources } from '../services/deletion.js';
import { moveAway } from './node-lifecycle.js';
import { isDiskful, NODE_AWAY_FLAGS } from './snapshot.js';
import { toggleDisk } from './toggle-disk.js';

const TICK_MS = Number(process.env.LINSTOR_AUTOMATISMS_TICK_MS ?? 10_000);
const started = new WeakSet<ControllerContext>();

function seconds(env: string | undefined, minutesProp: string | undefined, dflt?: number): number | undefined {
  if (env !== undefined && env !== '') return Number(env) * 1000;
  const m = minutesProp !== undefined ? Number(minutesProp) : dflt;
  return m === undefined || !Number.isFinite(m) || m < 0 ? undefined : m * 60_000;
}

export function startAutomatisms(ctx: ControllerContext): void {
  if (started.has(ctx)) return;
  started.add(ctx);
  const offlineSince = new Map<string, number>();
  const primarySince = new Map<string, number>();
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void (async () => {
      try {
        await autoEvict(ctx, offlineSince);
        await autoDiskful(ctx, primarySince);
      } catch (err) {
        ctx.log.warn({ err }, 'automatism check failed');
      } finally { running = false; }
    })();
  }, TICK_MS);
  timer.unref();
}

const satellites = (ctx: ControllerContext): Node[] => [...ctx.state.nodes.values()].filter((n) => n.type !== 'CONTROLLER' && n.type !== 'AUXILIARY');

async function autoEvict(ctx: ControllerContext, offlineSince: Map<string, number>): Promise<void> {
  const now = ctx.clock();
  const ctrl = ctx.state.ctrlProps;
  const nodes = satellites(ctx);
  const offline: Node[] = [];
  for (const n of nodes) {
    const k = nameKey(n.name);
    if (ctx.runtime.nodes.get(k)?.status === 'ONLINE') { offlineSince.delete(k); continue; }
    if (!offlineSince.has(k)) offlineSince.set(k, now);
    offline.push(n);
  }
  const maxPct = Number(ctrl['DrbdOptions/AutoEvictMaxDisconnectedNodes'] ?? 34);
  if (!offline.length || offline.length * 100 > maxPct * nodes.length) return;
  for (const n of offline) {
    // An evicted or evacuated node starts a fresh clock once restored: without this, a node
    // restored before its satellite reconnects would be evicted again at the next tick.
    if (n.flags.some((f) => NODE_AWAY_FLAGS.includes(f))) { offlineSince.delete(nameKey(n.name)); continue; }
    const levels = propChain({ controller: ctrl, node: n });
    if ((propValue('DrbdOptions/AutoEvictAllowEviction', levels) ?? 'true').toLowerCase() === 'false') continue;
    const after = seconds(process.env.LINSTOR_AUTO_EVICT_AFTER_SECONDS, propValue('DrbdOptions/AutoEvictAfterTime', levels), 60);
    if (after === undefined || now - offlineSince.get(nameKey(n.name))! < after) continue;
    ctx.log.warn({ node: n.name }, 'auto-evicting node that has been offline too long');
    await moveAway(ctx, n.name, 'EVICTED');
  }
}

async function autoDiskful(ctx: ControllerContext, primarySince: Map<string, number>): Promise<void> {
  const now = ctx.clock();
  const { state } = ctx;
  for (const [key, r] of state.resources.entries()) {
    if (isDiskful(r) || r.flags.includes('DELETE') || !ctx.runtime.resources.get(key)?.inUse) { primarySince.delete(key); continue; }
    const rd = state.resourceDefinitions.get(nameKey(r.name));
    if (!rd) continue;
    const rg = state.resourceGroups.get(nameKey(rd.resourceGroup));
    const levels = propChain({ controller: state.ctrlProps, resourceGroup: rg, resourceDefinition: rd, resource: r });
    // Off unless the prop is set; the test hook only changes its unit to seconds.
    const minutes = propValue('DrbdOptions/auto-diskful', levels);
    if (minutes === undefined) continue;
    const after = seconds(process.env.LINSTOR_AUTO_DISKFUL_AFTER_SECONDS, minutes);
    if (after === undefined) continue;
    if (!primarySince.has(key)) primarySince.set(key, now);
    if (now - primarySince.get(key)! < after) continue;
    primarySince.delete(key);
    ctx.log.info({ resource: r.name, node: r.nodeName }, 'auto-diskful: making a long-time primary diskful');
    await toggleDisk(ctx, r.name, r.nodeName, { operation: 'INTO_DRBD_DISKFUL' });
    if ((propValue('DrbdOptions/auto-diskful-allow-cleanup', levels) ?? 'false').toLowerCase() !== 'true') continue;
    const placeCount = rg?.selectFilter.place_count ?? 2;
    const diskful = resourcesOf(state, r.name).filter((x) => isDiskful(x) && !x.flags.includes('DELETE'));
    const spare = diskful
      .filter((x) => nameKey(x.nodeName) !== nameKey(r.nodeName) && !ctx.runtime.resources.get(resourceKey(x.name, x.nodeName))?.inUse)
      .sort((a, b) => a.createTimestamp - b.createTimestamp);
    const excess = diskful.length - placeCount;
    if (excess > 0) await deleteResources(ctx, r.name, spare.slice(0, excess).map((x) => x.nodeName));
  }
}
