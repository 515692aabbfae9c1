/**
 * `status` is polled by pvestatd on every node all the time; these tests count the requests
 * that reach a real controller through a counting proxy.
 */
import test from 'ava';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeContext } from '../../plugins/proxmox/context.js';
import { status } from '../../plugins/proxmox/hooks/status.js';
import { linstorStorage } from '../../plugins/proxmox/linstor-storage.js';
import { startPveCluster, type PveCluster } from './cluster.js';

let cl: PveCluster;
let proxy: http.Server;
let proxyAddr = '';
const counts: Record<string, number> = {};
let work = '';

test.before(async () => {
  work = mkdtempSync(join(tmpdir(), 'pve-status-'));
  cl = await startPveCluster({ placeCount: 1 });
  const target = new URL(cl.ctl.url);
  proxy = http.createServer((req, res) => {
    const key = `${req.method} ${(req.url ?? '').split('?')[0]}`;
    counts[key] = (counts[key] ?? 0) + 1;
    const up = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (r) => { res.writeHead(r.statusCode ?? 502, r.headers); r.pipe(res); });
    up.on('error', () => { res.writeHead(502); res.end(); });
    req.pipe(up);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyAddr = `127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
test.after.always(async () => {
  proxy?.closeAllConnections();
  proxy?.close();
  await cl?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const QUERY = 'POST /v1/queries/resource-groups/query-all-size-info';

test.serial('fifty status polls on one node within the cache time cost the controller one size query', async (t) => {
  const { storage } = linstorStorage('ls', { resourcegroup: cl.rg, controller: proxyAddr, shared: 1, statuscache: 60 });
  const cacheDir = join(work, 'node-a');
  const before = counts[QUERY] ?? 0;
  // As pvestatd, pvedaemon and pveproxy would, many processes at once: fresh contexts share only the cache file.
  const results = await Promise.all(Array.from({ length: 50 }, () => status(makeContext(storage, { node: 'a', cacheDir }))));
  t.is((counts[QUERY] ?? 0) - before, 1);
  t.true(results.every((r) => r !== null && r.active === 1 && r.total > 0));
  t.deepEqual(new Set(results.map((r) => JSON.stringify(r))).size, 1);
});

test.serial('with statuscache 0 every poll asks the controller', async (t) => {
  const { storage } = linstorStorage('ls', { resourcegroup: cl.rg, controller: proxyAddr, shared: 1, statuscache: 0 });
  const before = counts[QUERY] ?? 0;
  for (let i = 0; i < 3; i++) await status(makeContext(storage, { node: 'b', cacheDir: join(work, 'node-b') }));
  t.is((counts[QUERY] ?? 0) - before, 3);
});

test.serial('a resource group the controller does not know makes the storage inactive instead of failing', async (t) => {
  const { storage } = linstorStorage('ls', { resourcegroup: 'no-such-rg', controller: proxyAddr, shared: 1, statuscache: 0 });
  t.is(await status(makeContext(storage, { node: 'c', cacheDir: join(work, 'node-c') })), null);
});

test.serial('the first reachable controller of the list is used when the first is down', async (t) => {
  const { storage } = linstorStorage('ls', { resourcegroup: cl.rg, controller: `127.0.0.1:1,${proxyAddr}`, shared: 1, statuscache: 0 });
  const r = await status(makeContext(storage, { node: 'd', cacheDir: join(work, 'node-d') }));
  t.is(r?.active, 1);
  const none = linstorStorage('ls', { resourcegroup: cl.rg, controller: '127.0.0.1:1,127.0.0.1:2', shared: 1, statuscache: 0 }).storage;
  await t.throwsAsync(status(makeContext(none, { node: 'd', cacheDir: join(work, 'node-d') })), { message: /could not connect to any LINSTOR controller/ });
});
