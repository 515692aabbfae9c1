import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import { startController } from '../../test/helpers/controller.js';
import { round, summarize, timed } from './stats.js';

/**
 * Issue [01] benchmark: 10,000 resource definitions with a volume definition and a resource
 * each through the REST API; list latency at 10,000; RSS; cold start; and the HTTP floor (a bare express
 * handler answering a constant) to express our latency as a ratio to it.
 */
export async function benchController(count = 10_000): Promise<Record<string, unknown>> {
  const ctl = await startController();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => new Promise<number>((resolve, reject) => {
    const req = http.request(`${ctl.url}${path}`, { method, agent, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      res.resume(); res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(JSON.stringify(body));
    req.end();
  });
  const etagOf = (path: string) => new Promise<string>((resolve, reject) => {
    http.get(`${ctl.url}${path}`, { agent }, (res) => { res.resume(); res.on('end', () => resolve(String(res.headers.etag ?? ''))); }).on('error', reject);
  });
  try {
    // Two registered nodes whose satellites are not running: resources are stored and listed
    // (with WARN_NOT_CONNECTED) without any disk work, so this measures the controller alone.
    for (const [i, n] of ['bench-a', 'bench-b'].entries()) {
      await call('POST', '/v1/nodes', { name: n, type: 'SATELLITE', net_interfaces: [{ name: 'default', address: `127.0.0.${250 + i}`, satellite_port: 1 }] });
      await call('POST', `/v1/nodes/${n}/storage-pools`, { storage_pool_name: 'DfltStorPool', provider_kind: 'FILE_THIN', props: { 'StorDriver/FileDir': '/var/lib/linstor-bench' } });
    }
    // Create with 16 requests in flight, as a busy client would.
    const t0 = Date.now();
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const i = next++;
        const name = `bench-rd-${String(i).padStart(5, '0')}`;
        const s1 = await call('POST', '/v1/resource-definitions', { resource_definition: { name } });
        const s2 = await call('POST', `/v1/resource-definitions/${name}/volume-definitions`, { volume_definition: { size_kib: 1048576 } });
        const s3 = await call('POST', `/v1/resource-definitions/${name}/resources/${i % 2 ? 'bench-b' : 'bench-a'}`, { resource: {}, layer_list: ['STORAGE'] });
        if (s1 !== 201 || s2 >= 300 || s3 !== 201) throw new Error(`create ${name}: ${s1}/${s2}/${s3}`);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    const createSecs = (Date.now() - t0) / 1000;

    const listLatency = async (path: string, n: number) => {
      const samples: number[] = [];
      for (let i = 0; i < n; i++) samples.push((await timed(() => call('GET', path)))[1]);
      return summarize(samples);
    };
    // The first list after start builds every object's JSON; later ones reuse it (or the whole
    // cached response while nothing changed). Measured separately, and also right after a write.
    const [, rdListFirstMs] = await timed(() => call('GET', '/v1/resource-definitions'));
    const [, viewResFirstMs] = await timed(() => call('GET', '/v1/view/resources'));
    const rdList = await listLatency('/v1/resource-definitions', 100);
    const viewRes = await listLatency('/v1/view/resources', 100);
    const afterWrite = async (path: string, n: number) => {
      const samples: number[] = [];
      for (let i = 0; i < n; i++) {
        await call('PUT', '/v1/key-value-store/bench', { override_props: { [`Aux/k${i % 4}`]: String(i) } });
        samples.push((await timed(() => call('GET', path)))[1]);
      }
      return summarize(samples);
    };
    const rdListAfterWrite = await afterWrite('/v1/resource-definitions', 50);
    const viewResAfterWrite = await afterWrite('/v1/view/resources', 50);
    // A write the list shows: one definition's props (its resource's effective props change).
    const afterResourceWrite = async (path: string, n: number, headers: Record<string, string> = {}) => {
      const samples: number[] = [];
      for (let i = 0; i < n; i++) {
        const rd = `bench-rd-${String((i * 7919) % count).padStart(5, '0')}`;
        if ((await call('PUT', `/v1/resource-definitions/${rd}`, { override_props: { 'Aux/bench': String(i) } })) >= 300) throw new Error(`modify ${rd}`);
        samples.push((await timed(() => call('GET', path, undefined, headers)))[1]);
      }
      return summarize(samples);
    };
    const viewResAfterRscWrite = await afterResourceWrite('/v1/view/resources', 100);
    const viewResAfterRscWriteGzip = await afterResourceWrite('/v1/view/resources', 100, { 'accept-encoding': 'gzip' });
    const rdListAfterRdWrite = await afterResourceWrite('/v1/resource-definitions', 100);
    const rdPage = await listLatency('/v1/resource-definitions?limit=50&offset=5000', 200);
    // A poller's revalidation (the web GUI): If-None-Match with the list's ETag, nothing
    // changed: a bodiless 304; and right after a write the list shows (the tag must change: 200).
    const revalidate = async (path: string, n: number, write: boolean) => {
      const samples: number[] = [];
      for (let i = 0; i < n; i++) {
        const etag = await etagOf(path);
        if (write && (await call('PUT', `/v1/resource-definitions/bench-rd-${String((i * 104729) % count).padStart(5, '0')}`, { override_props: { 'Aux/bench': `r${i}` } })) >= 300) throw new Error('modify');
        const [status, ms] = await timed(() => call('GET', path, undefined, { 'if-none-match': etag }));
        if (status !== (write ? 200 : 304)) throw new Error(`revalidate ${path}: ${status}`);
        samples.push(ms);
      }
      return summarize(samples);
    };
    const viewResRevalidate304 = await revalidate('/v1/view/resources', 100, false);
    const viewResRevalidateAfterWrite = await revalidate('/v1/view/resources', 100, true);
    const rssKib = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${ctl.proc.pid}/status`, 'utf8'))?.[1] ?? 0);

    const t1 = Date.now();
    await ctl.restart();
    const coldStartSecs = (Date.now() - t1) / 1000;

    const single = await listLatency('/v1/resource-definitions/bench-rd-04242', 500);
    const floor = await httpFloor(500);
    return {
      resourceDefinitions: count,
      createRequestsPerSec: round((count * 3) / createSecs, 0),
      resources: count,
      createSecs: round(createSecs),
      listResourceDefinitionsFirstMs: round(rdListFirstMs),
      viewResourcesFirstMs: round(viewResFirstMs),
      listResourceDefinitionsMs: rdList,
      viewResourcesMs: viewRes,
      listResourceDefinitionsAfterWriteMs: rdListAfterWrite,
      viewResourcesAfterWriteMs: viewResAfterWrite,
      viewResourcesAfterResourceWriteMs: viewResAfterRscWrite,
      viewResourcesAfterResourceWriteGzipMs: viewResAfterRscWriteGzip,
      listResourceDefinitionsAfterDefinitionWriteMs: rdListAfterRdWrite,
      targetViewAfterWriteP99Ms: 50,
      pagedListMs: rdPage,
      viewResourcesRevalidate304Ms: viewResRevalidate304,
      viewResourcesRevalidateAfterWriteMs: viewResRevalidateAfterWrite,
      ratioRevalidate304ToFullP50: round(viewResRevalidate304.p50 / viewRes.p50),
      singleGetMs: single,
      httpFloorMs: floor,
      ratioSingleGetToFloorP50: round(single.p50 / floor.p50),
      ratioSingleGetToFloorP99: round(single.p99 / floor.p99),
      controllerRssMiB: round(rssKib / 1024, 0),
      coldStartSecs: round(coldStartSecs),
    };
  } finally {
    agent.destroy();
    await ctl.stop();
  }
}

/** A bare express handler answering a constant, in its own process, measured the same way. */
async function httpFloor(n: number) {
  const child = spawn(process.execPath, ['--input-type=module', '-e', `
    import express from 'express';
    const app = express();
    app.get('/x', (_q, r) => r.json({ ok: true }));
    const s = app.listen(0, '127.0.0.1', () => console.log('PORT ' + s.address().port));
  `], { stdio: ['ignore', 'pipe', 'inherit'], cwd: process.cwd() });
  const port = await new Promise<number>((res) => child.stdout!.on('data', (d: Buffer) => { const m = /PORT (\d+)/.exec(d.toString()); if (m) res(Number(m[1])); }));
  const agent = new http.Agent({ keepAlive: true });
  const samples: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      samples.push((await timed(() => new Promise<void>((resolve, reject) => {
        http.get(`http://127.0.0.1:${port}/x`, { agent }, (res) => { res.resume(); res.on('end', () => resolve()); }).on('error', reject);
      })))[1]);
    }
  } finally { agent.destroy(); child.kill(); }
  return summarize(samples);
}
