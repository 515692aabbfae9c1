import { call, startCluster } from '../../test/e2e/cluster.js';
import { summarize, timed } from './stats.js';

/**
 * Issue [02] benchmark: time from `resource create` (STORAGE layer on FILE_THIN) to the device
 * being usable, i.e. the REST call returned and the volume reports a device path. The controller
 * answers only after the satellite applied, so the REST latency is the figure.
 */
export async function benchResourceCreate(count = 100): Promise<Record<string, unknown>> {
  const cluster = await startCluster(1);
  const node = cluster.nodes[0]!.name;
  const samples: number[] = [];
  const deleteSamples: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const rd = `bench-rc-${i}`;
      await call(cluster.ctl, 'POST', '/v1/resource-definitions', { resource_definition: { name: rd } });
      await call(cluster.ctl, 'POST', `/v1/resource-definitions/${rd}/volume-definitions`, { volume_definition: { size_kib: 65536 } });
      const [res, ms] = await timed(() => call(cluster.ctl, 'POST', `/v1/resource-definitions/${rd}/resources/${node}`, {
        resource: { node_name: node, props: { StorPoolName: cluster.pool } }, layer_list: ['STORAGE'],
      }));
      if (res.status !== 201) throw new Error(`resource create ${rd}: ${res.status} ${JSON.stringify(res.body)}`);
      const vols = await call<Array<{ device_path?: string }>>(cluster.ctl, 'GET', `/v1/resource-definitions/${rd}/resources/${node}/volumes`);
      if (!vols.body[0]?.device_path) throw new Error(`no device path for ${rd} after create`);
      samples.push(ms);
    }
    for (let i = 0; i < count; i++) {
      const [, ms] = await timed(() => call(cluster.ctl, 'DELETE', `/v1/resource-definitions/bench-rc-${i}`));
      deleteSamples.push(ms);
    }
    return { resources: count, createToUsableMs: summarize(samples), deleteMs: summarize(deleteSamples) };
  } finally {
    await cluster.teardown();
  }
}
