/**
 * Fencing: the active controller is frozen with SIGSTOP for longer than its lease (as a hung
 * VM or a long GC pause would), a request is queued for it meanwhile, the standby takes over
 * and writes. After SIGCONT the old leader must not write anything: the queued request is not
 * stored, the old leader exits, the new leader's state and the database stay as they were.
 */
import test, { type ExecutionContext } from 'ava';
import { openStore } from '../../core/store/open.js';
import { call, waitFor } from '../e2e/cluster.js';
import { dbServerInstalled, type DbKind } from '../helpers/db-servers.js';
import { health, startPair, type HaPair } from './pair.js';

const LEASE_SECONDS = 4;

export function fencingSuite(kind: DbKind): void {
  (dbServerInstalled(kind) ? test : test.skip)(`${kind}: a leader paused with SIGSTOP beyond its lease writes nothing after SIGCONT`, async (t) => {
    // 4 s: long enough that the new leader keeps its own lease on a loaded 2-core machine.
    const pair = await startPair(kind, { leaseSeconds: LEASE_SECONDS });
    const { a, b } = pair;
    t.teardown(async () => {
      try { process.kill(a.proc.pid!, 'SIGCONT'); } catch { /* already gone */ }
      await pair.teardown();
    });
    try {
      await pauseAndResume(t, kind, pair);
    } catch (err) {
      t.log(`old leader:\n${a.logs().slice(-3000)}\nnew leader:\n${b.logs().slice(-3000)}`);
      throw err;
    }
  });
}

async function pauseAndResume(t: ExecutionContext, kind: DbKind, pair: HaPair): Promise<void> {
  const { a, b } = pair;
  t.is((await call(a, 'POST', '/v1/resource-definitions', { resource_definition: { name: 'before_pause' } })).status, 201);

  const exited = new Promise<number | null>((resolve) => a.proc.once('exit', (code) => resolve(code)));
  process.kill(a.proc.pid!, 'SIGSTOP');
  const pausedAt = Date.now();
  // Queued in the frozen leader's socket: it runs only after SIGCONT.
  const zombie = call(a, 'POST', '/v1/resource-definitions', { resource_definition: { name: 'zombie' } }).then((r) => r.status, (e: Error) => `error: ${e.message}`);

  await waitFor('the standby takes over', async () => (await health(b)).role === 'active', 30_000, 100);
  t.log(`${kind}: standby active ${Date.now() - pausedAt} ms after SIGSTOP (lease ${LEASE_SECONDS} s)`);
  t.is((await call(b, 'POST', '/v1/resource-definitions', { resource_definition: { name: 'after_takeover' } })).status, 201);

  process.kill(a.proc.pid!, 'SIGCONT');
  const outcome = await zombie;
  t.true(outcome !== 201, `the paused leader answered the queued create with ${outcome}`);
  t.is(await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r('still running'), 15_000))]), 75, 'the fenced controller exits (its service restarts it as a standby)');
  t.regex(await a.waitForLog(/lost the lease/).catch((e: Error) => e.message), /lost the lease/);

  const names = ((await call<Array<{ name: string }>>(b, 'GET', '/v1/resource-definitions')).body).map((d) => d.name).sort();
  t.deepEqual(names, ['after_takeover', 'before_pause']);
  // And straight from the database, not through the new leader's memory.
  const store = await openStore(pair.cfg);
  try {
    const rows = (await store.loadAll()).resource_definitions.map((r) => r.key).sort();
    t.deepEqual(rows, ['AFTER_TAKEOVER', 'BEFORE_PAUSE']);
  } finally {
    await store.close();
  }
}
