/**
 * `BackupShipping/MaxConcurrentBackupsPerNode` (node, else controller property; unset or < 0:
 * no limit): backups beyond the limit on one node wait in a queue, first come first served, and
 * are shown by `backup queue list`. A queued backup can be aborted before it starts.
 */
import type * as api from '../../api/index.js';
import { ApiError } from '../../model/errors.js';
import { nameKey } from '../../model/names.js';
import type { ControllerContext } from '../context.js';
import { runningJobs, type RunningJob } from './jobs.js';

export const MAX_PER_NODE_KEY = 'BackupShipping/MaxConcurrentBackupsPerNode';

interface Slots { running: number; waiting: Array<{ job: RunningJob; go: () => void; fail: (e: Error) => void }> }
const slots = new WeakMap<object, Map<string, Slots>>();

function limitOf(ctx: ControllerContext, node: string): number {
  const raw = ctx.state.nodes.get(nameKey(node))?.props[MAX_PER_NODE_KEY] ?? (ctx.state.controllerProps.get('props') ?? {})[MAX_PER_NODE_KEY];
  const n = Number(raw);
  return raw === undefined || !Number.isFinite(n) || n < 0 ? Infinity : n;
}

function of(ctx: ControllerContext, node: string): Slots {
  let m = slots.get(ctx.state);
  if (!m) { m = new Map(); slots.set(ctx.state, m); }
  let s = m.get(nameKey(node));
  if (!s) { s = { running: 0, waiting: [] }; m.set(nameKey(node), s); }
  return s;
}

/** Resolves once the job may run on its node (marks it queued meanwhile); call release() after. */
export function acquire(ctx: ControllerContext, job: RunningJob): Promise<void> {
  const s = of(ctx, job.nodeName);
  if (s.running < limitOf(ctx, job.nodeName) && !s.waiting.length) { s.running++; return Promise.resolve(); }
  job.queued = true;
  return new Promise((go, fail) => s.waiting.push({ job, go: () => { job.queued = false; s.running++; go(); }, fail }));
}

export function release(ctx: ControllerContext, node: string): void {
  const s = of(ctx, node);
  s.running = Math.max(0, s.running - 1);
  while (s.waiting.length && s.running < limitOf(ctx, node)) s.waiting.shift()!.go();
}

/** Takes a queued job out of its queue (abort); false when it is not queued. */
export function dequeue(ctx: ControllerContext, job: RunningJob): boolean {
  const s = of(ctx, job.nodeName);
  const i = s.waiting.findIndex((w) => w.job === job);
  if (i < 0) return false;
  const [w] = s.waiting.splice(i, 1);
  w!.fail(new ApiError('FAIL_UNKNOWN_ERROR', `Backup of '${job.rscName}' aborted while queued.`, { correction: 'Start it again when wanted.' }));
  return true;
}

/** `GET /v1/view/backup/queue`: per node (or, with snap_to_node, per snapshot) what waits. */
export function queueView(ctx: ControllerContext, f: { nodes: string[]; snapshots: string[]; resources: string[]; remotes: string[]; snapToNode: boolean }): api.BackupQueues {
  const has = (list: string[], v: string) => !list.length || list.some((x) => nameKey(x) === nameKey(v));
  const queued = [...runningJobs(ctx.state).values()].filter((j) => j.queued && has(f.nodes, j.nodeName) && has(f.snapshots, j.snapName) && has(f.resources, j.rscName) && has(f.remotes, j.remote));
  const item = (j: RunningJob): api.SnapQueue => ({ resource_name: j.rscName, snapshot_name: j.snapName, remote_name: j.remote, incremental: !!j.basedOn, ...(j.basedOn ? { based_on: j.basedOn } : {}), start_timestamp: j.startTimestamp, pref_node: j.nodeName });
  if (f.snapToNode) return { snap_queues: queued.map((j) => ({ ...item(j), queue: [{ node_name: j.nodeName }] })) };
  const nodes = [...new Set(queued.map((j) => j.nodeName))].sort();
  return { node_queues: nodes.map((n) => ({ node_name: n, queue: queued.filter((j) => j.nodeName === n).map(item) })) };
}
