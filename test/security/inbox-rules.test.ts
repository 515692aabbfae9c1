/**
 * The rules behind items 2 and 9 as functions (no process): the FileDir rule, the satellite's
 * inbox check of controller messages, and the provider's own re-check of its folder. Only
 * read-only calls are made on system paths.
 */
import test from 'ava';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalRunner } from '../../core/exec/index.js';
import { checkFileDir, fileDirProblem, foldersOverlap } from '../../core/props/file-dir.js';
import { checkControllerMessage, checkDesiredNodeState, InvalidMessageError } from '../../core/satellite/inbox/check-message.js';
import { createProvider } from '../../core/satellite/providers/registry.js';

test('the FileDir rule accepts a folder of its own and names what is wrong with anything else', (t) => {
  for (const ok of ['/var/lib/linstor-pools/pool1', '/srv/a', '/tmp/x', '/data/p-1.2+x@y:z']) t.is(fileDirProblem(ok), undefined, ok);
  const cases: Array<[unknown, RegExp]> = [
    ['/', /shared by the whole system/], ['/etc', /belongs to the operating system/], ['/proc/1', /belongs to the operating system/],
    ['/dev', /operating system/], ['/usr/local/x', /operating system/], ['/var', /shared/], ['/tmp', /shared/],
    ['rel', /not absolute/], ['/a/../etc', /not normalised/], ['/a/./b', /not normalised/], ['/a/', /not normalised/], ['/a//b', /not normalised/],
    ['/a\nb', /may only contain/], ['', /empty/], [42, /empty/], ['/' + 'x'.repeat(300), /segment is longer/],
  ];
  for (const [dir, why] of cases) t.regex(fileDirProblem(dir) ?? '', why, JSON.stringify(dir));
  t.throws(() => checkFileDir('/etc'), { message: /StorDriver\/FileDir.*operating system/ });
  t.true(foldersOverlap('/srv/a', '/srv/a/b'));
  t.true(foldersOverlap('/srv/a/b', '/srv/a'));
  t.false(foldersOverlap('/srv/a', '/srv/ab'));
});

test('the satellite inbox refuses system folders, bad names and unknown message types, naming the field', (t) => {
  const state = (dir: string, rsc = 'r1') => ({
    nodeName: 'n1', props: {}, resources: [{ name: rsc, layerStack: ['STORAGE'], flags: [], props: {}, volumes: [{ volumeNumber: 0, sizeKib: 4096, storagePool: 'pool1', props: {} }] }],
    storagePools: [{ name: 'pool1', providerKind: 'FILE', props: { 'StorDriver/FileDir': dir } }],
  });
  t.notThrows(() => checkDesiredNodeState(state('/srv/pool1')));
  for (const dir of ['/', '/etc', '/proc', '/dev/shm', '/sys/kernel']) {
    const e = t.throws(() => checkDesiredNodeState(state(dir)), { instanceOf: InvalidMessageError });
    t.regex(e!.message, /state\.storagePools\[0\]\.props\['StorDriver\/FileDir'\]/);
  }
  t.throws(() => checkDesiredNodeState(state('/srv/pool1', '../../escape')), { message: /state\.resources\[0\]\.name/ });
  t.throws(() => checkControllerMessage({ type: 'exec', argv: ['rm', '-rf', '/'] }), { message: /message\.type/ });
  t.throws(() => checkControllerMessage({ type: 'create-device-pool', reqId: 1, request: { providerKind: 'LVM', poolName: 'vg', devicePaths: ['/dev/../etc/passwd'] } }),
    { message: /devicePaths\[0\]/ });
  t.throws(() => checkControllerMessage(null), { message: /must be an object/ });
});

test('an incremental update is held to the same rules as a full state', (t) => {
  const rsc = (name: string) => ({ name, layerStack: ['STORAGE'], flags: [], props: {}, volumes: [{ volumeNumber: 0, sizeKib: 4096, storagePool: 'pool1', props: {} }] });
  const update = (u: Record<string, unknown>) => ({ type: 'update', seq: 2, update: { base: 1, ...u } });
  t.notThrows(() => checkControllerMessage(update({ resources: [rsc('r1')], removed: ['r2'] })));
  t.throws(() => checkControllerMessage(update({ resources: [rsc('../../escape')] })), { message: /update\.resources\[0\]\.name/ });
  t.throws(() => checkControllerMessage(update({ removed: ['../x'] })), { message: /update\.removed\[0\]/ });
  t.throws(() => checkControllerMessage(update({ storagePools: [{ name: 'pool1', providerKind: 'FILE', props: { 'StorDriver/FileDir': '/etc' } }] })),
    { message: /update\.storagePools\[0\]\.props/ });
  t.throws(() => checkControllerMessage(update({ resources: [rsc('r1'), rsc('R1')] })), { message: /twice/ });
  t.throws(() => checkControllerMessage(update({ snapshots: [{ resource: 'r1', snapshots: [{ resource: 'r1', name: '../s', volumes: [] }] }] })), { message: /snapshots\[0\]\.snapshots\[0\]\.name/ });
  t.throws(() => checkControllerMessage({ type: 'update', seq: -1, update: { base: 0 } }), { message: /message\.seq/ });
});

test('a FILE provider re-checks its folder before it lists, creates or deletes anything', async (t) => {
  const runner = new LocalRunner();
  const root = mkdtempSync(join(tmpdir(), 'sec-provider-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'pool'));
  writeFileSync(join(root, 'pool', 'x_00000.img'), 'keep me');
  // Folders that reach the test's own files only by a non-normalised path (system paths are never used in tests).
  for (const dir of [`${root}/other/../pool`, 'pool', `${root}/pool/`]) {
    const p = createProvider({ runner, pool: { name: 'p1', providerKind: 'FILE_THIN', props: { 'StorDriver/FileDir': dir } }, nodeName: 'n1' });
    await t.throwsAsync(p.listVolumes(), { message: /folder '.*' is refused/ }, dir);
    await t.throwsAsync(p.delete('x_00000'), { message: /folder '.*' is refused/ }, dir);
  }
  t.is(readFileSync(join(root, 'pool', 'x_00000.img'), 'utf8'), 'keep me');
});

test('the satellite inbox checks error-report acknowledgements and log-level requests before acting on them', (t) => {
  t.notThrows(() => checkControllerMessage({ type: 'error-report-ack', ids: ['0A1B2C3D-ABCDE-000001'] }));
  t.throws(() => checkControllerMessage({ type: 'error-report-ack', ids: ['../x y'] }), { message: /message\.ids\[0\]/ });
  t.throws(() => checkControllerMessage({ type: 'error-report-ack', ids: 'all' }), { message: /message\.ids/ });
  t.notThrows(() => checkControllerMessage({ type: 'log-level', reqId: 1 }));
  t.notThrows(() => checkControllerMessage({ type: 'log-level', reqId: 1, level: 'debug' }));
  t.throws(() => checkControllerMessage({ type: 'log-level', reqId: 1, level: 'LOUD' }), { message: /message\.level/ });
  t.throws(() => checkControllerMessage({ type: 'log-level', reqId: -1 }), { message: /message\.reqId/ });
});
