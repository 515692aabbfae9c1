/**
 * Schedules through the real `linstor` CLI and REST: create/list/modify/delete, bad cron
 * refused, `backup schedule enable/disable/delete` at controller, group and definition level,
 * `schedule list-by-resource(-details)`, and deletes refused while a schedule is in use.
 */
import test from 'ava';
import { call } from '../helpers/controller-rest.js';
import { startController, type TestController } from '../helpers/controller.js';
import { linstor } from '../cli/helpers.js';

let ctl: TestController;
const ls = (...a: string[]) => linstor(['--controllers', ctl.url, ...a]);
test.before(async () => {
  ctl = await startController();
  await call(ctl, 'POST', '/v1/encryption/passphrase', { new_passphrase: 'pw' });
  await call(ctl, 'POST', '/v1/remotes/s3', { remote_name: 'rem', endpoint: 'http://127.0.0.1:9', bucket: 'bkt', region: 'r', access_key: 'a', secret_key: 's' });
  await call(ctl, 'POST', '/v1/resource-groups', { name: 'grp' });
  for (const rd of ['alpha', 'beta']) await call(ctl, 'POST', '/v1/resource-definitions', { resource_definition: { name: rd, resource_group_name: 'grp' } });
});
test.after.always(async () => { await ctl?.stop(); });

test.serial('schedule create/list/modify through the CLI; a bad cron is refused with the reason', async (t) => {
  let r = await ls('schedule', 'create', 'nightly', '0 2 * * *', '--incremental-cron', '0 */4 * * *', '--keep-local', '3', '--keep-remote', 'all', '--on-failure', 'RETRY', '--max-retries', '5');
  t.is(r.code, 0, r.stdout + r.stderr);
  r = await ls('schedule', 'create', 'broken', '61 * * * *');
  t.not(r.code, 0);
  t.regex(r.stdout + r.stderr, /full cron '61 \* \* \* \*' is not a valid cron expression/);
  r = await ls('schedule', 'create', 'short', '* * *');
  t.regex(r.stdout + r.stderr, /it has 3 fields, not 5/);
  r = await ls('schedule', 'list');
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /nightly +\| 0 2 \* \* \* +\| 0 \*\/4 \* \* \* +\| 3 +\| -1 +\| RETRY\(5\)/);
  t.notRegex(r.stdout, /broken|short/);
  r = await ls('schedule', 'modify', 'nightly', '--full-cron', '30 1 * * *', '--on-failure', 'SKIP');
  t.is(r.code, 0, r.stdout + r.stderr);
  const got = (await call(ctl, 'GET', '/v1/schedules')).body.data;
  t.like(got[0], { schedule_name: 'nightly', full_cron: '30 1 * * *', inc_cron: '0 */4 * * *', keep_local: 3, keep_remote: -1, on_failure: 'SKIP', max_retries: 5 });
});

test.serial('enable on the group, disable on one definition: list-by-resource shows the outcome, details each level', async (t) => {
  let r = await ls('backup', 'schedule', 'enable', 'rem', 'nightly', '--rg', 'grp');
  t.is(r.code, 0, r.stdout + r.stderr);
  r = await ls('backup', 'schedule', 'enable', 'rem', 'nightly');
  t.is(r.code, 0, r.stdout + r.stderr);
  r = await ls('backup', 'schedule', 'disable', 'rem', 'nightly', '--rd', 'beta');
  t.is(r.code, 0, r.stdout + r.stderr);

  const view = (await call(ctl, 'GET', '/v1/view/schedules-by-resource')).body.data as Array<{ rsc_name: string; schedule_name: string; reason?: string; next_planned_full?: number }>;
  const alpha = view.find((v) => v.rsc_name === 'alpha')!;
  t.is(alpha.schedule_name, 'nightly');
  t.true(alpha.next_planned_full! > Date.now(), 'the next full backup time is computed');
  t.is(view.find((v) => v.rsc_name === 'beta')!.reason, 'none set', 'beta opted out on its own level');
  r = await ls('schedule', 'list-by-resource', '--active-only');
  t.regex(r.stdout, /alpha +\| rem +\| nightly/);
  t.notRegex(r.stdout, /beta/);

  r = await ls('schedule', 'list-by-resource-details', 'beta');
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /rem +\| nightly +\| Disabled +\| Enabled +\| Enabled +\|/);
  const details = (await call(ctl, 'GET', '/v1/view/schedules-by-resource/beta')).body.data;
  t.deepEqual(details, [{ remote_name: 'rem', schedule_name: 'nightly', ctrl: true, rsc_grp: true, rsc_dfn: false }]);

  // In use: neither the schedule nor the remote can be deleted.
  t.regex((await ls('schedule', 'delete', 'nightly')).stdout, /still set on the controller/);
  t.regex((await ls('remote', 'delete', 'rem')).stdout, /still used by the controller/);

  r = await ls('backup', 'schedule', 'delete', 'rem', 'nightly', '--rd', 'beta');
  t.is(r.code, 0, r.stdout + r.stderr);
  t.truthy((await call(ctl, 'GET', '/v1/view/schedules-by-resource?rsc=beta')).body.data.find((v: { schedule_name: string }) => v.schedule_name === 'nightly'), 'beta inherits the group setting again');
  for (const args of [['--rg', 'grp'], []]) t.is((await ls('backup', 'schedule', 'delete', 'rem', 'nightly', ...args)).code, 0);
  t.is((await call(ctl, 'DELETE', '/v1/remotes/rem/backups/schedule/nightly/delete?rsc_dfn_name=beta')).status, 200, 'the spec\'s DELETE form works too');
  r = await ls('schedule', 'delete', 'nightly');
  t.is(r.code, 0, r.stdout + r.stderr);
  t.deepEqual((await call(ctl, 'GET', '/v1/schedules')).body.data, []);
});
