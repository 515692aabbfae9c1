/**
 * What the cinder CLI does not reach, over raw HTTP against linstor-cinder-api with a real
 * controller and satellites: discovery, microversion refusal (406), fault bodies, request
 * ids, routes with and without /{project_id}, static tokens and project isolation,
 * pagination, metadata and the attachments microversion gate.
 */
import { hostname } from 'node:os';
import test from 'ava';
import { linstor } from '../cli/helpers.js';
import { http, startStack, waitStatus, type Stack } from './harness.js';

let stack: Stack;
test.before(async () => {
  stack = await startStack({
    nodes: 2,
    tune: (c) => {
      c.linstor.defaultRedundancy = 1;
      c.auth.noauthAdmin = false;
      c.auth.tokens = { 'tok-alice': { user: 'alice', project: 'p1', roles: ['member'] }, 'tok-bob': { user: 'bob', project: 'p2', roles: ['member'] }, 'tok-admin': { user: 'root', project: 'admin', roles: ['admin'] }, 'tok-carol-s3cr3t': { user: 'carol', project: 'p3', roles: ['member'] } };
    },
  });
});
test.after.always(async () => { await stack?.stop(); });

test('GET / answers 300 and GET /v3/ 200 with the microversion range 3.0 .. 3.71', async (t) => {
  const root = await http(stack.api, 'GET', '/');
  t.is(root.status, 300);
  const v3 = await http(stack.api, 'GET', '/v3/');
  t.is(v3.status, 200);
  t.like(v3.body.versions[0], { id: 'v3.0', status: 'CURRENT', version: '3.71', min_version: '3.0' });
});

test('a microversion outside the range is refused with 406, a malformed one with 400, and every answer carries a request id', async (t) => {
  for (const version of ['2.9', '3.72', '3.99']) {
    const out = await http(stack.api, 'GET', '/v3/volumes', { version });
    t.is(out.status, 406, `${version} is outside 3.0 .. 3.71`);
    t.is(out.body.computeFault.code, 406);
    t.regex(out.body.computeFault.message, /Minimum is 3\.0 and maximum is 3\.71/);
    t.regex(out.headers.get('x-openstack-request-id') ?? '', /^req-[0-9a-f-]{36}$/);
  }
  for (const version of ['3.0', '3.71']) {
    const edge = await http(stack.api, 'GET', '/v3/volumes', { version });
    t.is(edge.status, 200, `${version} is inside the range`);
    t.is(edge.headers.get('openstack-api-version'), `volume ${version}`);
  }
  const bad = await http(stack.api, 'GET', '/v3/volumes', { version: 'x.y' });
  t.is(bad.status, 400);
  t.is(bad.body.badRequest.code, 400);
  const ok = await http(stack.api, 'GET', '/v3/volumes', { version: '3.50' });
  t.is(ok.status, 200);
  t.is(ok.headers.get('openstack-api-version'), 'volume 3.50');
});

test('faults are named by status: itemNotFound for an unknown volume, badRequest for a bad size, unauthorized without a token', async (t) => {
  const nf = await http(stack.api, 'GET', '/v3/volumes/00000000-0000-4000-8000-000000000000');
  t.is(nf.status, 404);
  t.deepEqual(Object.keys(nf.body), ['itemNotFound']);
  const br = await http(stack.api, 'POST', '/v3/volumes', { body: { volume: { size: -3 } } });
  t.is(br.status, 400);
  t.regex(br.body.badRequest.message, /size/);
  const un = await fetch(`${stack.api.url}/v3/volumes`);
  t.is(un.status, 401);
  t.truthy(((await un.json()) as any).unauthorized);
  const noAction = await http(stack.api, 'POST', '/v3/volumes/00000000-0000-4000-8000-000000000000/action', { body: { 'os-frobnicate': {} } });
  t.is(noAction.status, 400);
});

test('with static tokens a project never sees another project\'s volumes, with or without /{project_id} in the URL', async (t) => {
  const c = await http(stack.api, 'POST', '/v3/p1/volumes', { token: 'tok-alice', body: { volume: { size: 1, name: 'alice-vol', metadata: { env: 'prod' } } } });
  t.is(c.status, 202);
  const id = c.body.volume.id;
  t.is((await waitStatus(stack.api, 'volumes', id, ['available', 'error'], { token: 'tok-alice' })).status, 'available');
  t.is((await http(stack.api, 'GET', `/v3/volumes/${id}`, { token: 'tok-alice' })).status, 200);
  t.is((await http(stack.api, 'GET', `/v3/p1/volumes/${id}`, { token: 'tok-alice' })).status, 200);
  t.is((await http(stack.api, 'GET', `/v3/volumes/${id}`, { token: 'tok-bob' })).status, 404);
  t.deepEqual((await http(stack.api, 'GET', '/v3/volumes/detail?all_tenants=1', { token: 'tok-bob' })).body.volumes, []);
  t.is((await http(stack.api, 'GET', '/v3/p1/volumes', { token: 'tok-bob' })).status, 400);
  t.is((await http(stack.api, 'DELETE', `/v3/volumes/${id}`, { token: 'tok-bob' })).status, 404);
  const unknownToken = await http(stack.api, 'GET', '/v3/volumes', { token: 'bob:p1' });
  t.is(unknownToken.status, 200, 'noauth tokens still work next to static ones');
  // Metadata round trip.
  t.deepEqual((await http(stack.api, 'GET', `/v3/volumes/${id}/metadata`, { token: 'tok-alice' })).body, { metadata: { env: 'prod' } });
  await http(stack.api, 'PUT', `/v3/volumes/${id}/metadata/owner`, { token: 'tok-alice', body: { meta: { owner: 'alice' } } });
  t.deepEqual((await http(stack.api, 'GET', `/v3/volumes/${id}`, { token: 'tok-alice' })).body.volume.metadata, { env: 'prod', owner: 'alice' });
  t.is((await http(stack.api, 'DELETE', `/v3/volumes/${id}`, { token: 'tok-alice' })).status, 202);
});

test('volume lists page with limit and marker and sort by name', async (t) => {
  const ids: string[] = [];
  for (const name of ['c', 'a', 'b']) {
    const r = await http(stack.api, 'POST', '/v3/volumes', { token: 'pager:pg', body: { volume: { size: 1, name } } });
    ids.push(r.body.volume.id);
  }
  for (const id of ids) await waitStatus(stack.api, 'volumes', id, ['available', 'error'], { token: 'pager:pg' });
  const p1 = await http(stack.api, 'GET', '/v3/volumes?limit=2&sort=name:asc', { token: 'pager:pg' });
  t.deepEqual(p1.body.volumes.map((v: any) => v.name), ['a', 'b']);
  t.regex(p1.body.volumes_links[0].href, /marker=/);
  const marker = p1.body.volumes[1].id;
  const p2 = await http(stack.api, 'GET', `/v3/volumes/detail?limit=2&sort=name:asc&marker=${marker}`, { token: 'pager:pg' });
  t.deepEqual(p2.body.volumes.map((v: any) => v.name), ['c']);
  const count = await http(stack.api, 'GET', '/v3/volumes?with_count=true&name=a', { token: 'pager:pg', version: '3.45' });
  t.is(count.body.count, 1);
  t.is((await http(stack.api, 'GET', '/v3/volumes?sort=bogus', { token: 'pager:pg' })).status, 400);
});

test('the attachments API needs microversion 3.27; reserve and unreserve move the status', async (t) => {
  const r = await http(stack.api, 'POST', '/v3/volumes', { token: 'att:pa', body: { volume: { size: 1 } } });
  const id = r.body.volume.id;
  await waitStatus(stack.api, 'volumes', id, ['available'], { token: 'att:pa' });
  t.is((await http(stack.api, 'POST', '/v3/attachments', { token: 'att:pa', body: { attachment: { volume_uuid: id } } })).status, 404);
  const a = await http(stack.api, 'POST', '/v3/attachments', { token: 'att:pa', version: '3.27', body: { attachment: { volume_uuid: id } } });
  t.is(a.status, 200);
  t.is(a.body.attachment.status, 'reserved');
  t.is((await http(stack.api, 'GET', `/v3/volumes/${id}`, { token: 'att:pa' })).body.volume.status, 'reserved');
  t.is((await http(stack.api, 'DELETE', `/v3/attachments/${a.body.attachment.id}`, { token: 'att:pa', version: '3.27' })).status, 200);
  t.is((await http(stack.api, 'POST', `/v3/volumes/${id}/action`, { token: 'att:pa', body: { 'os-reserve': null } })).status, 202);
  t.is((await http(stack.api, 'GET', `/v3/volumes/${id}`, { token: 'att:pa' })).body.volume.status, 'attaching');
  t.is((await http(stack.api, 'POST', `/v3/volumes/${id}/action`, { token: 'att:pa', body: { 'os-unreserve': null } })).status, 202);
  t.is((await http(stack.api, 'GET', `/v3/volumes/${id}`, { token: 'att:pa' })).body.volume.status, 'available');
});

test('availability zones, services, pools and limits describe the LINSTOR cluster', async (t) => {
  const az = await http(stack.api, 'GET', '/v3/os-availability-zone');
  t.is(az.body.availabilityZoneInfo[0].zoneName, 'nova');
  const sv = await http(stack.api, 'GET', '/v3/os-services', { token: 'admin:admin' });
  t.is(sv.body.services.filter((s: any) => s.binary === 'cinder-volume' && s.state === 'up').length, 2);
  const pools = await http(stack.api, 'GET', '/v3/scheduler-stats/get_pools?detail=true', { token: 'tok-alice' });
  t.is(pools.status, 403, 'pools are for admins');
  const ap = await http(stack.api, 'GET', '/v3/scheduler-stats/get_pools?detail=true', { token: 'tok-admin' });
  t.is(ap.status, 200);
  t.true(ap.body.pools[0].capabilities.total_capacity_gb > 0);
  t.true(ap.body.pools[0].capabilities.thin_provisioning_support);
  const lim = await http(stack.api, 'GET', '/v3/limits');
  t.is(typeof lim.body.limits.absolute.totalVolumesUsed, 'number');
});

test('volumes created at the same moment with a brand-new volume type all become available in one resource group', async (t) => {
  const ty = await http(stack.api, 'POST', '/v3/types', { token: 'tok-admin', body: { volume_type: { name: `burst-${Date.now()}`, extra_specs: { 'linstor:redundancy': '1' } } } });
  t.is(ty.status, 200, JSON.stringify(ty.body));
  const typeId = ty.body.volume_type.id;
  // The first creates of a type race to make its group; none of them may end in error.
  const made = await Promise.all([0, 1, 2, 3].map((i) => http(stack.api, 'POST', '/v3/volumes', { token: 'tok-alice', body: { volume: { size: 1, name: `burst-${i}`, volume_type: typeId } } })));
  t.deepEqual(made.map((r) => r.status), [202, 202, 202, 202]);
  const done = await Promise.all(made.map((r) => waitStatus(stack.api, 'volumes', r.body.volume.id, ['available', 'error'], { token: 'tok-alice' })));
  t.deepEqual(done.map((v) => v.status), ['available', 'available', 'available', 'available'], JSON.stringify(done.map((v) => v.status)));
  const rg = await (await fetch(`${stack.cluster.ctl.url}/v1/resource-groups/cinder-${typeId}`)).json() as any;
  t.is(rg.select_filter.place_count, 1);
  for (const r of made) t.is((await http(stack.api, 'DELETE', `/v3/volumes/${r.body.volume.id}`, { token: 'tok-alice' })).status, 202);
});

test('a volume type whose resource group was deleted in LINSTOR behind the service\'s back still creates volumes', async (t) => {
  const ty = await http(stack.api, 'POST', '/v3/types', { token: 'tok-admin', body: { volume_type: { name: `gone-${Date.now()}`, extra_specs: { 'linstor:redundancy': '1' } } } });
  const typeId = ty.body.volume_type.id;
  const first = await http(stack.api, 'POST', '/v3/volumes', { token: 'tok-alice', body: { volume: { size: 1, volume_type: typeId } } });
  t.is((await waitStatus(stack.api, 'volumes', first.body.volume.id, ['available', 'error'], { token: 'tok-alice' })).status, 'available');
  await http(stack.api, 'DELETE', `/v3/volumes/${first.body.volume.id}`, { token: 'tok-alice' });
  await waitStatus(stack.api, 'volumes', first.body.volume.id, ['deleted'], { token: 'tok-alice' });
  const del = await fetch(`${stack.cluster.ctl.url}/v1/resource-groups/cinder-${typeId}`, { method: 'DELETE' });
  t.is(del.status, 200, await del.text());
  const second = await http(stack.api, 'POST', '/v3/volumes', { token: 'tok-alice', body: { volume: { size: 1, volume_type: typeId } } });
  const v = await waitStatus(stack.api, 'volumes', second.body.volume.id, ['available', 'error'], { token: 'tok-alice' });
  t.is(v.status, 'available', JSON.stringify(v));
  t.is((await fetch(`${stack.cluster.ctl.url}/v1/resource-groups/cinder-${typeId}`)).status, 200);
});

test('volume encryption types are refused with Cinder\'s 400 (InvalidInput), not a missing route; an unencrypted type answers {}', async (t) => {
  const type = await http(stack.api, 'POST', '/v3/types', { token: 'tok-admin', body: { volume_type: { name: 'enc-try' } } });
  t.is(type.status, 200);
  const id = type.body.volume_type.id;
  const shown = await http(stack.api, 'GET', `/v3/types/${id}/encryption`, { token: 'tok-admin' });
  t.is(shown.status, 200);
  t.deepEqual(shown.body, {});
  const enc = { encryption: { provider: 'luks', cipher: 'aes-xts-plain64', key_size: 256, control_location: 'front-end' } };
  const made = await http(stack.api, 'POST', `/v3/admin/types/${id}/encryption`, { token: 'tok-admin', body: enc });
  t.is(made.status, 400);
  t.regex(made.body.badRequest.message, /^Invalid input received: Volume encryption types are not supported by this service: it has no key manager/);
  // Cinder's policy (admin only) and its 404s for a type or an encryption that does not exist.
  t.is((await http(stack.api, 'POST', `/v3/types/${id}/encryption`, { token: 'tok-alice', body: enc })).status, 403);
  t.is((await http(stack.api, 'POST', '/v3/types/no-such-type/encryption', { token: 'tok-admin', body: enc })).body.itemNotFound.message, 'Volume type no-such-type could not be found.');
  const del = await http(stack.api, 'DELETE', `/v3/types/${id}/encryption/${id}`, { token: 'tok-admin' });
  t.is(del.status, 404);
  t.is(del.body.itemNotFound.message, `Volume type encryption for type ${id} does not exist.`);
});

test('multiattach is refused with 400 before anything is made: the deprecated flag, a multiattach type, a retype to it, a second attachment', async (t) => {
  const flag = await http(stack.api, 'POST', '/v3/volumes', { token: 'tok-alice', body: { volume: { size: 1, name: 'ma-flag', multiattach: true } } });
  t.is(flag.status, 400);
  t.regex(flag.body.badRequest.message, /^Invalid input received: multiattach volumes are not supported/);
  const type = await http(stack.api, 'POST', '/v3/types', { token: 'tok-admin', body: { volume_type: { name: 'shared-disk', extra_specs: { multiattach: '<is> True' } } } });
  t.is(type.status, 200);
  const typed = await http(stack.api, 'POST', '/v3/volumes', { token: 'tok-alice', body: { volume: { size: 1, name: 'ma-type', volume_type: 'shared-disk' } } });
  t.is(typed.status, 400);
  t.regex(typed.body.badRequest.message, /^Invalid input received: Volume type shared-disk has multiattach=<is> True/);
  const names = (await http(stack.api, 'GET', '/v3/volumes', { token: 'tok-alice' })).body.volumes.map((x: { name: string }) => x.name);
  t.false(names.includes('ma-flag') || names.includes('ma-type'), 'no volume record was left behind');
  // A plain volume may not be retyped to it, nor attached twice.
  const v = await http(stack.api, 'POST', '/v3/volumes', { token: 'tok-alice', body: { volume: { size: 1, name: 'ma-plain' } } });
  t.is(v.status, 202);
  t.false(v.body.volume.multiattach);
  await waitStatus(stack.api, 'volumes', v.body.volume.id, ['available'], { token: 'tok-alice' });
  const retype = await http(stack.api, 'POST', `/v3/volumes/${v.body.volume.id}/action`, { token: 'tok-alice', body: { 'os-retype': { new_type: 'shared-disk' } } });
  t.is(retype.status, 400);
  t.regex(retype.body.badRequest.message, /multiattach/);
  const first = await http(stack.api, 'POST', '/v3/attachments', { token: 'tok-alice', version: '3.27', body: { attachment: { volume_uuid: v.body.volume.id, instance_uuid: 'a0000000-0000-4000-8000-000000000001' } } });
  t.is(first.status, 200);
  const second = await http(stack.api, 'POST', '/v3/attachments', { token: 'tok-alice', version: '3.27', body: { attachment: { volume_uuid: v.body.volume.id, instance_uuid: 'a0000000-0000-4000-8000-000000000002' } } });
  t.is(second.status, 400);
  t.is(second.body.badRequest.message, 'Invalid volume: Volume is already attached and is not multiattach.');
});

test('an unexpected failure in a request answers Cinder\'s 500 and files an error report (module CINDER) that `linstor error-reports` lists and shows, without the caller\'s token', async (t) => {
  // A record with the right owner but not a volume's shape (written behind the service's back) breaks the view.
  const bad = { id: 'bad-00000000-0000-4000-8000-000000000000', projectId: 'p3', name: 'broken' };
  await stack.api.svc.client.keyValueStore.modify('cinder-volumes', { override_props: { [bad.id]: JSON.stringify(bad) } });
  try {
    const out = await http(stack.api, 'GET', '/v3/volumes/detail', { token: 'tok-carol-s3cr3t' });
    t.is(out.status, 500);
    t.is(out.body.computeFault.message, 'The server has either erred or is incapable of performing the requested operation.');
    const cli = (...args: string[]) => linstor(['--controllers', stack.cluster.ctl.url.replace(/^http:\/\//, ''), ...args]);
    let listed = '';
    for (let i = 0; i < 50 && !listed.includes('TypeError'); i++) {
      listed = (await cli('error-reports', 'list', '--nodes', hostname())).stdout;
      if (!listed.includes('TypeError')) await new Promise((r) => setTimeout(r, 100));
    }
    // LINSTOR's client shows the module's first letter before the node.
    t.true(listed.includes(`C|${hostname()}`), listed);
    const reports = (await stack.api.svc.client.errorReports.list({ withContent: true })).filter((e) => e.module === 'CINDER');
    t.is(reports.length, 1, 'one report for one failure');
    const r = reports[0]!;
    t.is(r.node_name, hostname());
    t.is(r.exception, 'TypeError');
    t.regex(r.text ?? '', /Action: +GET \/v3\/volumes\/detail \(req-/);
    t.regex(r.text ?? '', /Call backtrace:\n.*TypeError/);
    t.false((r.text ?? '').includes('tok-carol-s3cr3t'));
    const id = /^ErrorReport-(.+)\.log$/.exec(r.filename ?? '')![1]!;
    const shown = await cli('error-reports', 'show', id);
    t.is(shown.code, 0, shown.stderr);
    t.regex(shown.stdout, /Module: +CINDER/);
  } finally {
    await stack.api.svc.client.keyValueStore.modify('cinder-volumes', { delete_props: [bad.id] });
  }
});
