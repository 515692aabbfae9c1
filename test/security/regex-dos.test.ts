/**
 * Issue item 5: a user's do-not-place-with regex runs in RE2 (linear time). With JavaScript's
 * backtracking engine, `(a+)+$` against a 31-character resource name froze the controller's
 * event loop for about 20 s; here /health keeps answering within a second while placement
 * evaluates it. Patterns RE2 cannot run in linear time (backreferences, lookarounds) are
 * refused with a clear error. Real controller process; the node stays OFFLINE.
 */
import test from 'ava';
import { startController, type TestController } from '../helpers/controller.js';
import { call, nodeBody, suffix } from '../helpers/controller-rest.js';

let ctl: TestController;
test.before(async () => { ctl = await startController(); });
test.after.always(async () => { await ctl?.stop(); });

/** Polls /health every 50 ms while `work` runs; resolves with the slowest answer in ms. */
async function slowestHealthDuring(work: Promise<unknown>): Promise<number> {
  let done = false;
  void work.then(() => { done = true; }, () => { done = true; });
  let slowest = 0;
  while (!done) {
    const t0 = Date.now();
    const status = await fetch(`${ctl.url}/health`, { signal: AbortSignal.timeout(30_000) }).then((r) => r.status, () => 0);
    slowest = Math.max(slowest, status === 200 ? Date.now() - t0 : Number.POSITIVE_INFINITY);
    await new Promise((res) => setTimeout(res, 50));
  }
  return slowest;
}

test('a catastrophic do-not-place-with regex never blocks the controller; /health answers within 1 s', async (t) => {
  const node = `rx-${suffix()}`;
  t.is((await call(ctl, 'POST', '/v1/nodes', nodeBody(node))).status, 201);
  t.is((await call(ctl, 'POST', `/v1/nodes/${node}/storage-pools`, { storage_pool_name: 'fast', provider_kind: 'FILE_THIN', props: { 'StorDriver/FileDir': `/srv/${node}` } })).status, 201);
  const victim = `${'a'.repeat(30)}-`;
  t.is((await call(ctl, 'POST', '/v1/resource-definitions', { resource_definition: { name: victim } })).status, 201);
  t.true((await call(ctl, 'POST', `/v1/resource-definitions/${victim}/volume-definitions`, { volume_definition: { size_kib: 4096 } })).status < 300);
  const placed = await call(ctl, 'POST', `/v1/resource-definitions/${victim}/resources/${node}`, { resource: { props: { StorPoolName: 'fast' } } });
  t.true(placed.status < 300, placed.text);

  const rg = `rg${suffix()}`;
  const created = await call(ctl, 'POST', '/v1/resource-groups', { name: rg, select_filter: { place_count: 1, not_place_with_rsc_regex: '(a+)+$' } });
  t.is(created.status, 201, created.text);
  const spawn = call(ctl, 'POST', `/v1/resource-groups/${rg}/spawn`, { resource_definition_name: `new${suffix()}`, volume_sizes: [4096] });
  const slowest = await slowestHealthDuring(spawn);
  t.true(slowest < 1000, `/health took ${slowest} ms while placement ran`);
  const answer = await spawn;
  t.true(Array.isArray(answer.body), answer.text);
});

test('patterns that need backtracking (backreferences, lookarounds) are refused with a clear error', async (t) => {
  for (const pattern of ['(a)\\1', '(?=a)b', '(?<!x)y', '[']) {
    const r = await call(ctl, 'POST', '/v1/resource-groups', { name: `rg${suffix()}`, select_filter: { place_count: 1, not_place_with_rsc_regex: pattern } });
    t.true(r.status >= 400, `${pattern}: ${r.text}`);
    t.regex((r.body as Array<{ message: string }>)[0]!.message, /not a valid regular expression/, pattern);
  }
  const ok = await call(ctl, 'POST', '/v1/resource-groups', { name: `rg${suffix()}`, select_filter: { place_count: 1, not_place_with_rsc_regex: '^web-.*' } });
  t.is(ok.status, 201, ok.text);
});
