import * as http from 'node:http';
import { startController } from '../../test/helpers/controller.js';
import { round, summarize, timed } from './stats.js';

/**
 * GET /metrics with `count` resources (two nodes whose satellites are not running, so only the
 * controller works): LINSTOR's full scrape, the scrape with `?resource=false&storage_pools=false
 * &error_reports=false`, and `GET /v1/view/resources` of the same state as the yardstick.
 */
export async function benchMetrics(count = 5000, samples = 50): Promise<Record<string, unknown>> {
  const ctl = await startController();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const call = (method: string, path: string, body?: unknown) => new Promise<number>((resolve, reject) => {
    const req = http.request(`${ctl.url}${path}`, { method, agent, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume(); res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(JSON.stringify(body));
    req.end();
  });
  try {
    for (const [i, n] of ['metrics-a', 'metrics-b'].entries()) {
      await call('POST', '/v1/nodes', { name: n, type: 'SATELLITE', net_interfaces: [{ name: 'default', address: `127.0.0.${250 + i}`, satellite_port: 1 }] });
      await call('POST', `/v1/nodes/${n}/storage-pools`, { storage_pool_name: 'DfltStorPool', provider_kind: 'FILE_THIN', props: { 'StorDriver/FileDir': '/var/lib/linstor-bench' } });
    }
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const i = next++;
        const name = `metrics-rd-${String(i).padStart(5, '0')}`;
        const s1 = await call('POST', '/v1/resource-definitions', { resource_definition: { name } });
        const s2 = await call('POST', `/v1/resource-definitions/${name}/volume-definitions`, { volume_definition: { size_kib: 1048576 } });
        const s3 = await call('POST', `/v1/resource-definitions/${name}/resources/${i % 2 ? 'metrics-b' : 'metrics-a'}`, { resource: {}, layer_list: ['STORAGE'] });
        if (s1 !== 201 || s2 >= 300 || s3 !== 201) throw new Error(`create ${name}: ${s1}/${s2}/${s3}`);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    const latency = async (path: string) => {
      await call('GET', path); // warm
      const ms: number[] = [];
      for (let i = 0; i < samples; i++) ms.push((await timed(() => call('GET', path)))[1]);
      return summarize(ms);
    };
    const full = await latency('/metrics');
    const light = await latency('/metrics?resource=false&storage_pools=false&error_reports=false');
    const view = await latency('/v1/view/resources');
    return {
      resources: count, metricsFull: full, metricsLight: light, viewResources: view,
      fullToViewP50: round(full.p50 / view.p50), lightToFullP50: round(light.p50 / full.p50),
    };
  } finally {
    agent.destroy();
    await ctl.stop();
  }
}
