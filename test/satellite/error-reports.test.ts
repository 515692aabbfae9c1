/**
 * The satellite's error reports on the link, against a real satellite process and real LVM
 * commands. The test plays the controller end of the link because it must withhold the
 * acknowledgement (the real controller always sends it; see test/e2e/satellite-error-reports).
 */
import test from 'ava';
import type { DesiredNodeState, SatelliteErrorReport } from '../../core/model/satellite-protocol.js';
import { maskSecrets } from '../../core/satellite/errors/redact.js';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FakeControllerClient, randomSuffix, satelliteStateDir, startSatellite, storageResource } from '../helpers/satellite.js';

type ReportMsg = { type: 'error-report'; report: SatelliteErrorReport };

test('a report no controller acknowledged is sent again on the next connection, and not after the ack; secrets it would carry are masked (the test plays the controller)', async (t) => {
  const sat = await startSatellite({ address: '127.0.0.6' });
  t.teardown(() => sat.stop());
  // The LUKS passphrase of the resource is also part of the VG name, so the failing command's
  // argv and its error output both carry it: the report must not.
  const secret = `Pw${randomSuffix()}${randomSuffix()}`;
  const vg = `linstorts-${secret}`;
  const rsc = `failing-${randomSuffix()}`;
  const resource = storageResource(rsc, 'badlvm', [4096]);
  resource.volumes[0]!.luks = { key: secret };
  const state: DesiredNodeState = { nodeName: sat.nodeName, props: {}, storagePools: [{ name: 'badlvm', providerKind: 'LVM', props: { 'StorDriver/StorPoolName': vg } }], resources: [resource] };

  const first = await FakeControllerClient.connect('127.0.0.6', sat.port);
  const report = await first.apply(state);
  t.truthy(report.resources.find((r) => r.name === rsc)?.error, 'the apply failed');
  // The resource's report (the pool's failing capacity query writes one of its own).
  const ofResource = (m: { type: string }) => m.type === 'error-report' && (m as ReportMsg).report.text.includes(`Resource:           ${rsc}`);
  const sent = (await first.next<ReportMsg>(ofResource)).report;
  t.regex(sent.text, /Exit code: +5/);
  t.regex(sent.text, /Volume group "linstorts-\*\*\*" not found/);
  t.false(sent.text.includes(secret), 'the passphrase is masked everywhere');
  t.false(sent.exceptionMessage.includes(secret));
  first.close(); // without acknowledging it

  const second = await FakeControllerClient.connect('127.0.0.6', sat.port);
  await second.hello(sat.nodeName);
  const again = (await second.next<ReportMsg>(ofResource)).report;
  t.is(again.id, sent.id);
  // Acknowledge everything pending (sent right after authentication, before the pong below).
  const n0 = second.count;
  second.send({ type: 'ping' });
  await second.next((m) => m.type === 'pong', 10_000, n0);
  const pendingIds = [];
  for (let i = 0; i < n0; i++) { const m = await second.next<ReportMsg>(() => true, 1000, i); if (m.type === 'error-report') pendingIds.push(m.report.id); }
  t.true(pendingIds.includes(sent.id));
  second.send({ type: 'error-report-ack', ids: pendingIds });
  // A ping answered proves the ack was read before we hang up.
  const n = second.count;
  second.send({ type: 'ping' });
  await second.next((m) => m.type === 'pong', 10_000, n);
  second.close();

  // Pending reports go right after authentication, before anything else: a pong with no
  // report before it means none is pending.
  const third = await FakeControllerClient.connect('127.0.0.6', sat.port);
  t.teardown(() => third.close());
  await third.hello(sat.nodeName);
  const from = third.count;
  third.send({ type: 'ping' });
  await third.next((m) => m.type === 'pong', 10_000, from);
  // (The pool's own report may be written later, between connections: that one is pending.)
  const firstAfterAuth = await third.next<ReportMsg | { type: 'pong' }>((m) => ofResource(m) || m.type === 'pong', 10_000);
  t.is(firstAfterAuth.type, 'pong', firstAfterAuth.type === 'error-report' ? `${firstAfterAuth.report.text}\nacknowledged: ${pendingIds.join(', ')}` : '');
});

test('a report no controller took survives a satellite crash: the restarted satellite sends it (the test plays the controller)', async (t) => {
  const nodeName = `node-${randomSuffix()}`;
  const stateDirectory = satelliteStateDir(nodeName);
  let sat = await startSatellite({ address: '127.0.0.6', nodeName, stateDirectory });
  t.teardown(() => sat.stop());
  const rsc = `crashing-${randomSuffix()}`;
  const state: DesiredNodeState = { nodeName, props: {}, storagePools: [{ name: 'badlvm', providerKind: 'LVM', props: { 'StorDriver/StorPoolName': `linstorts-missing-${randomSuffix()}` } }], resources: [storageResource(rsc, 'badlvm', [4096])] };
  const ofResource = (m: { type: string }) => m.type === 'error-report' && (m as ReportMsg).report.text.includes(`Resource:           ${rsc}`);
  const first = await FakeControllerClient.connect('127.0.0.6', sat.port);
  await first.apply(state);
  const sent = (await first.next<ReportMsg>(ofResource)).report;
  first.close(); // never acknowledged
  await sat.kill9();

  sat = await startSatellite({ address: '127.0.0.6', nodeName, stateDirectory });
  const second = await FakeControllerClient.connect('127.0.0.6', sat.port);
  t.teardown(() => second.close());
  await second.hello(nodeName);
  const again = (await second.next<ReportMsg>(ofResource, 10_000)).report;
  t.is(again.id, sent.id);
  t.is(again.text, sent.text);
  second.send({ type: 'error-report-ack', ids: [sent.id] });
  const n = second.count;
  second.send({ type: 'ping' });
  await second.next((m) => m.type === 'pong', 10_000, n);
  t.false(readdirSync(join(stateDirectory, 'error-reports')).some((f) => f.startsWith(sent.id)), 'an acknowledged report leaves the spool');
});

test('maskSecrets masks known values and password/passphrase/secret/token settings, and leaves other text alone', (t) => {
  const out = maskSecrets("cryptsetup open --key-file /run/k1 x; password=hunter2 token: 'abc def' --passphrase s3cr3t shared-secret=\"q w\" keep=this MyKnownSecret", ['MyKnownSecret']);
  for (const s of ['/run/k1', 'hunter2', 'abc def', 's3cr3t', 'q w', 'MyKnownSecret']) t.false(out.includes(s), s);
  t.true(out.includes('keep=this'));
  t.true(out.startsWith('cryptsetup open --key-file ***'));
});
