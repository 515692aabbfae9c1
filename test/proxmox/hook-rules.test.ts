import test from 'ava';
import { LinstorApiError } from '../../core/client/index.js';
import { RC } from '../../core/model/apiconsts.js';
import { isUnknownApiCall, nodeName } from '../../plugins/proxmox/context.js';
import { errorText } from '../../plugins/proxmox/hook/dispatch.js';
import { handleRequest } from '../../plugins/proxmox/hook/handle.js';
import { isIntentionallyDiskless } from '../../plugins/proxmox/hooks/volumes.js';

test('deactivating removes diskless clients but never a tie-breaker or a diskful replica', (t) => {
  t.true(isIntentionallyDiskless({ flags: ['DRBD_DISKLESS'], volumes: [{ provider_kind: 'DISKLESS' }] }));
  t.true(isIntentionallyDiskless({ flags: [], volumes: [{ provider_kind: 'DISKLESS' }] }));
  t.false(isIntentionallyDiskless({ flags: ['DRBD_DISKLESS', 'TIE_BREAKER'], volumes: [{ provider_kind: 'DISKLESS' }] }));
  t.false(isIntentionallyDiskless({ flags: [], volumes: [{ provider_kind: 'FILE_THIN' }] }));
});

test('a controller error reaches the PVE task log with its cause and correction', (t) => {
  const e = new LinstorApiError(404, [{ ret_code: RC.FAIL_NOT_FOUND_RSC_GRP, message: "Resource group 'rg' not found.", cause: 'It was never created.', correction: 'Create it with linstor rg c rg.' }], 'POST', 'http://c:3370/v1/resource-groups/rg/spawn');
  t.is(errorText(e), "Resource group 'rg' not found. (HTTP 404 on POST /v1/resource-groups/rg/spawn); because: It was never created.; correction: Create it with linstor rg c rg.");
  t.false(isUnknownApiCall(e));
  t.true(isUnknownApiCall(new LinstorApiError(404, [{ ret_code: RC.UNKNOWN_API_CALL, message: 'Unknown API call' }], 'GET', 'http://c/x')));
});

test('the node name is PVE\'s unless LINSTOR_PVE_NODE overrides it', (t) => {
  t.is(nodeName('pve1', {}), 'pve1');
  t.is(nodeName('pve1', { LINSTOR_PVE_NODE: 'other' }), 'other');
  t.truthy(nodeName(undefined, {}));
});

test('a malformed or unknown hook request is answered with an error, not a crash', async (t) => {
  t.deepEqual(await handleRequest('{"hook":"format_disk"}'), { code: 2, reply: { error: "linstor-pve-hook: unknown hook 'format_disk'" } });
  t.is((await handleRequest('not json')).code, 2);
  const noRg = await handleRequest('{"hook":"status","storeid":"s1","scfg":{"shared":1}}');
  t.is(noRg.code, 1);
  t.regex(noRg.reply.error!, /status: storage 's1' \(type linstor\): 'resourcegroup' is required/);
});

test('volume_has_feature answers from the name alone for the features that do not depend on the cluster', async (t) => {
  const ask = async (feature: string, volname: string, snapname: string | null = null) =>
    (await handleRequest(JSON.stringify({ hook: 'volume_has_feature', storeid: 's', scfg: { resourcegroup: 'rg', shared: 1, controller: '127.0.0.1:1' }, args: { feature, volname, snapname } }))).reply.result;
  t.is(await ask('copy', 'pm-0a1b2c3d_1'), 1);
  t.is(await ask('clone', 'base-pm-0a1b2c3d_1'), 1);
  t.is(await ask('clone', 'pm-0a1b2c3d_1'), null, 'only templates are cloned linked');
  t.is(await ask('rename', 'vm-1-disk-0'), null, 'legacy names cannot be renamed');
  t.is(await ask('rename', 'pm-0a1b2c3d_1'), 1);
  t.is(await ask('copy', 'pm-0a1b2c3d_1', 'snap1'), null);
});
