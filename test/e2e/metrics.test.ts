/**
 * GET /metrics against a real controller and satellite: LINSTOR's metric families (names,
 * labels, value codes as linstor-server's PrometheusBuilder writes them), its GET arguments,
 * and our own metrics beside them, read back with an independent text-format parser.
 */
import { createRequire } from 'node:module';
import test from 'ava';
import { freePort } from '../helpers/db-servers.js';
import { randomSuffix } from '../helpers/satellite.js';
import { call, startCluster, waitFor, type Cluster } from './cluster.js';

interface Family { name: string; help: string; type: string; metrics: Array<{ value: string; labels?: Record<string, string> }> }
const parsePrometheus = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => Family[];

const LINSTOR_FAMILIES: Record<string, string> = {
  linstor_info: 'GAUGE', linstor_node_state: 'GAUGE', linstor_resource_definition_count: 'GAUGE',
  linstor_resource_definition_resource_count: 'GAUGE', linstor_volume_definition_size_bytes: 'GAUGE',
  linstor_resource_state: 'GAUGE', linstor_volume_state: 'GAUGE', linstor_volume_allocated_size_bytes: 'GAUGE',
  linstor_storage_pool_capacity_free_bytes: 'GAUGE', linstor_storage_pool_capacity_total_bytes: 'GAUGE',
  linstor_storage_pool_error_count: 'GAUGE', linstor_error_reports_count: 'GAUGE',
  linstor_scrape_requests_count: 'COUNTER', linstor_scrape_duration_seconds: 'GAUGE',
};
const OPTIONAL_FAMILIES = ['linstor_resource_definition_resource_count', 'linstor_resource_state', 'linstor_volume_state',
  'linstor_volume_allocated_size_bytes', 'linstor_storage_pool_capacity_free_bytes', 'linstor_storage_pool_capacity_total_bytes',
  'linstor_storage_pool_error_count', 'linstor_error_reports_count'];

let cluster: Cluster;
const suffix = randomSuffix();
const rd = `metrics-${suffix}`;
const offlineNode = `metrics-${suffix}-gone`;
test.before(async () => {
  cluster = await startCluster(1);
  // A node whose satellite never runs: OFFLINE (0) in linstor_node_state.
  await call(cluster.ctl, 'POST', '/v1/nodes', { name: offlineNode, type: 'SATELLITE', net_interfaces: [{ name: 'default', address: '127.0.0.199', satellite_port: await freePort() }] });
  await call(cluster.ctl, 'POST', '/v1/resource-definitions', { resource_definition: { name: rd } });
  await call(cluster.ctl, 'POST', `/v1/resource-definitions/${rd}/volume-definitions`, { volume_definition: { size_kib: 64 * 1024 } });
  const node = cluster.nodes[0]!.name;
  await call(cluster.ctl, 'POST', `/v1/resource-definitions/${rd}/resources/${node}`, { resource: { node_name: node, props: { StorPoolName: cluster.pool } }, layer_list: ['STORAGE'] });
  await waitFor('volume UpToDate', async () => (await call(cluster.ctl, 'GET', `/v1/resource-definitions/${rd}/resources/${node}/volumes`)).body?.[0]?.state?.disk_state === 'UpToDate', 30_000);
});
test.after.always(async () => { await cluster?.teardown(); });

async function scrape(query = ''): Promise<{ text: string; families: Map<string, Family>; contentType: string }> {
  const res = await fetch(`${cluster.ctl.url}/metrics${query}`);
  const text = await res.text();
  const families = new Map(parsePrometheus(text).map((f) => [f.name, f]));
  return { text, families, contentType: res.headers.get('content-type') ?? '' };
}

function sample(f: Family | undefined, labels: Record<string, string>): number | undefined {
  const m = f?.metrics.find((s) => Object.entries(labels).every(([k, v]) => s.labels?.[k] === v));
  return m === undefined ? undefined : Number(m.value);
}

test.serial('every LINSTOR metric family is served with its type, in valid exposition format, beside our own metrics', async (t) => {
  const { text, families, contentType } = await scrape();
  t.regex(contentType, /^text\/plain; version=0\.0\.4/);
  for (const [name, type] of Object.entries(LINSTOR_FAMILIES)) t.is(families.get(name)?.type, type, name);
  // Every gauge and counter sample has a number the parser could read (histograms have buckets).
  for (const f of families.values()) for (const m of f.type === 'GAUGE' || f.type === 'COUNTER' ? f.metrics : []) t.false(m.value === undefined || (Number.isNaN(Number(m.value)) && m.value !== 'NaN'), `${f.name} ${m.value}`);
  t.notRegex(text, /^# TYPE \S+ untyped/m);
  t.truthy(families.get('linstor_http_requests_total'), 'our own request counter stays');
  t.truthy(families.get('linstor_node_online'), 'our own node gauge stays');
  t.is(sample(families.get('linstor_info'), {}), 1);
  t.regex(families.get('linstor_info')!.metrics[0]!.labels?.version ?? '', /^\d+\.\d+\.\d+$/);
});

test.serial('node state, pool capacity and volume figures carry LINSTOR\'s labels and equal what the REST API reports', async (t) => {
  const n = cluster.nodes[0]!;
  const { families } = await scrape();
  const nodeState = families.get('linstor_node_state')!;
  t.regex(nodeState.help, /2="ONLINE"/);
  t.is(sample(nodeState, { node: n.name, nodetype: 'SATELLITE', address: n.address, port: String(n.sat.port), encryption: 'PLAIN' }), 2);
  const offline = nodeState.metrics.find((m) => m.labels?.node === offlineNode);
  t.is(Number(offline?.value), 0);
  t.is(offline?.labels?.address, undefined, 'no link, no address label (as LINSTOR)');

  const pool = await cluster.poolOf(n.name);
  const poolLabels = { node: n.name, storage_pool: cluster.pool, driver: 'FILE_THIN', backing_pool: n.poolDir };
  t.is(sample(families.get('linstor_storage_pool_capacity_total_bytes'), poolLabels), pool.total_capacity * 1024);
  const free = sample(families.get('linstor_storage_pool_capacity_free_bytes'), poolLabels)!;
  t.true(free > 0 && free <= pool.total_capacity * 1024);
  t.is(sample(families.get('linstor_storage_pool_error_count'), poolLabels), 0);

  const vol = (await call(cluster.ctl, 'GET', `/v1/resource-definitions/${rd}/resources/${n.name}/volumes`)).body[0];
  t.is(sample(families.get('linstor_resource_definition_count'), {}), 1);
  t.is(sample(families.get('linstor_resource_definition_resource_count'), { name: rd, resource_group: 'DfltRscGrp' }), 1);
  t.is(sample(families.get('linstor_volume_definition_size_bytes'), { name: rd, volume_number: '0', resource_group: 'DfltRscGrp' }), 64 * 1024 * 1024);
  const vlabels = { resource: rd, node: n.name, volume: '0', device_path: vol.device_path };
  t.is(sample(families.get('linstor_volume_state'), vlabels), 1, 'UpToDate is 1');
  t.is(sample(families.get('linstor_volume_allocated_size_bytes'), vlabels), vol.allocated_size_kib * 1024);
  t.is(sample(families.get('linstor_resource_state'), { name: rd, node: n.name }), 0, 'not in use: 0 ("secondary")');
  const reports = (await call(cluster.ctl, 'GET', '/v1/error-reports')).body.length;
  t.is(families.get('linstor_error_reports_count')!.metrics.find((m) => !m.labels || !Object.keys(m.labels).length)?.value, String(reports));
});

test.serial('?resource=false&storage_pools=false&error_reports=false leaves those families out; the scrape counter counts', async (t) => {
  const before = sample((await scrape()).families.get('linstor_scrape_requests_count'), {})!;
  const { families } = await scrape('?resource=false&storage_pools=false&error_reports=false');
  for (const name of OPTIONAL_FAMILIES) t.false(families.has(name), name);
  for (const name of ['linstor_info', 'linstor_node_state', 'linstor_resource_definition_count', 'linstor_volume_definition_size_bytes']) t.true(families.has(name), name);
  t.is(sample(families.get('linstor_scrape_requests_count'), {}), before + 1);
  // One switched off, the others stay.
  const some = (await scrape('?storage_pools=False')).families;
  t.false(some.has('linstor_storage_pool_capacity_total_bytes'));
  t.true(some.has('linstor_volume_state') && some.has('linstor_error_reports_count'));
});
