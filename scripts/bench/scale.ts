/**
 * Issue [14] benchmark: 100,000 resources in the controller — cold start, RSS, list latency.
 * Creating 100,000 resources through REST takes minutes, so the database is seeded: one
 * definition with a volume and a resource is created through the REST API, then its stored
 * rows are copied 100,000 times under new names through the controller's own store (same
 * row shapes, new uuids). The controller is then started on that database and measured.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import { join } from 'node:path';
import { openStore } from '../../core/store/open.js';
import type { RowChange } from '../../core/store/store.js';
import { call } from '../../test/e2e/cluster.js';
import { startController } from '../../test/helpers/controller.js';
import { round, summarize, timed } from './stats.js';

const BATCH = 5000;

export async function benchScale(count = 100_000, samples = 20): Promise<Record<string, unknown>> {
  const ctl = await startController();
  try {
    // Two nodes whose satellites are not running: the controller alone is measured.
    for (const [i, n] of ['scale-a', 'scale-b'].entries()) {
      await call(ctl, 'POST', '/v1/nodes', { name: n, type: 'SATELLITE', net_interfaces: [{ name: 'default', address: `127.0.0.${250 + i}`, satellite_port: 1 }] });
      await call(ctl, 'POST', `/v1/nodes/${n}/storage-pools`, { storage_pool_name: 'DfltStorPool', provider_kind: 'FILE_THIN', props: { 'StorDriver/FileDir': '/var/lib/linstor-bench' } });
    }
    await call(ctl, 'POST', '/v1/resource-definitions', { resource_definition: { name: 'scale-template' } });
    await call(ctl, 'POST', '/v1/resource-definitions/scale-template/volume-definitions', { volume_definition: { size_kib: 1048576 } });
    const r = await call(ctl, 'POST', '/v1/resource-definitions/scale-template/resources/scale-a', { resource: {}, layer_list: ['STORAGE'] });
    if (r.status !== 201) throw new Error(`template resource: ${JSON.stringify(r.body)}`);
    await ctl.kill();

    const t0 = Date.now();
    await seed(join(ctl.dir, 'linstor.db'), count);
    const seedSecs = (Date.now() - t0) / 1000;

    const t1 = Date.now();
    await ctl.restart();
    const coldStartSecs = (Date.now() - t1) / 1000;
    const rssAfterStartKib = rssKib(ctl.proc.pid!);

    const agent = new http.Agent({ keepAlive: true });
    const get = (path: string) => new Promise<number>((resolve, reject) => {
      http.get(`${ctl.url}${path}`, { agent }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); }).on('error', reject);
    });
    const latency = async (path: string) => {
      const [, firstMs] = await timed(() => get(path));
      const s: number[] = [];
      for (let i = 0; i < samples; i++) s.push((await timed(() => get(path)))[1]);
      return { firstMs: round(firstMs), ...summarize(s) };
    };
    const rdList = await latency('/v1/resource-definitions');
    const viewResources = await latency('/v1/view/resources');
    const paged = await latency('/v1/view/resources?limit=100&offset=50000');
    const rssAfterListsKib = rssKib(ctl.proc.pid!);
    agent.destroy();
    return {
      resources: count, resourceDefinitions: count, seedSecs: round(seedSecs),
      coldStartSecs: round(coldStartSecs), targetColdStartSecs: 5,
      controllerRssMiBAfterStart: round(rssAfterStartKib / 1024, 0),
      controllerRssMiBAfterLists: round(rssAfterListsKib / 1024, 0),
      listResourceDefinitionsMs: rdList,
      viewResourcesMs: viewResources,
      viewResourcesPageMs: paged,
      targetListP99Ms: 500,
    };
  } finally {
    await ctl.stop();
  }
}

/** Copies the template definition and its resource `count` times (new names, new uuids). */
async function seed(dbPath: string, count: number): Promise<void> {
  const store = await openStore(`sqlite:${dbPath}`);
  try {
    const snap = await store.loadAll();
    const rd = snap.resource_definitions.find((x) => x.key === 'SCALE-TEMPLATE')?.value as Record<string, unknown> | undefined;
    const rsc = snap.resources.find((x) => x.key === 'SCALE-TEMPLATE/SCALE-A')?.value as Record<string, unknown> | undefined;
    if (!rd || !rsc) throw new Error('template rows not found');
    let batch: RowChange[] = [];
    for (let i = 0; i < count; i++) {
      const name = `scale-${String(i).padStart(6, '0')}`;
      const node = i % 2 ? 'scale-b' : 'scale-a';
      batch.push({ table: 'resource_definitions', key: name.toUpperCase(), value: { ...rd, name, uuid: randomUUID() } });
      batch.push({ table: 'resources', key: `${name.toUpperCase()}/${node.toUpperCase()}`, value: { ...rsc, name, nodeName: node, uuid: randomUUID() } });
      if (batch.length >= BATCH) { await store.commit(batch); batch = []; }
    }
    if (batch.length) await store.commit(batch);
  } finally {
    await store.close();
  }
}

function rssKib(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
}
