/**
 * A tiny in-memory stand-in for the controller, used by the CLI tests until
 * test/helpers/cluster.ts can start the real one. Tests that use it say "(stub controller)".
 */
import express from 'express';
import type { AddressInfo } from 'node:net';
import { toJson } from '../../core/model/json.js';

const MASK_ERROR = -4611686018427387904n; // 0xC000000000000000 as signed int64
const rc = (code: bigint, message: string, extra: Record<string, unknown> = {}) => ({ ret_code: code, message, ...extra });

export interface Stub { url: string; port: number; stop(): Promise<void>; requests: { method: string; path: string; body: unknown }[] }

export async function startStubController(): Promise<Stub> {
  const nodes: Record<string, unknown>[] = [];
  const rds: Record<string, unknown>[] = [];
  const requests: Stub['requests'] = [];
  const app = express();
  app.use(express.json());
  app.use((req, _res, next) => { requests.push({ method: req.method, path: req.originalUrl, body: req.body }); next(); });
  const send = (res: express.Response, status: number, body: unknown) => res.status(status).type('application/json').send(toJson(body));

  app.get('/v1/controller/version', (_q, res) => send(res, 200, { version: '1.28.0', git_hash: 'stub', rest_api_version: '1.28.0' }));
  app.get('/v1/nodes', (_q, res) => send(res, 200, nodes));
  app.get('/v1/nodes/:n', (q, res) => {
    const n = nodes.find((x) => String(x.name).toLowerCase() === q.params.n.toLowerCase());
    if (!n) return send(res, 404, [rc(MASK_ERROR | 0x3C0000n | 300n, `Node '${q.params.n}' not found.`, { cause: 'The specified node could not be found in the database', correction: 'Create a node first.' })]);
    return send(res, 200, n);
  });
  app.post('/v1/nodes', (q, res) => {
    const b = q.body as { name: string };
    if (nodes.some((n) => String(n.name).toLowerCase() === b.name.toLowerCase())) return send(res, 500, [rc(MASK_ERROR | 0x3C0000n | 0x1000000n | 500n, `A node with the name '${b.name}' already exists.`)]);
    nodes.push({ ...b, connection_status: 'ONLINE', uuid: 'u' });
    return send(res, 201, [rc(0x3C0000n | 0x1000000n | 1n, `New node '${b.name}' registered.`)]);
  });
  app.get('/v1/view/storage-pools', (_q, res) => send(res, 200, nodes.map((n) => ({
    storage_pool_name: 'pool1', node_name: n.name, provider_kind: 'FILE_THIN', props: { 'StorDriver/StorPoolName': '/var/lib/pool1' },
    free_capacity: 9 * 1024 * 1024, total_capacity: 10 * 1024 * 1024, supports_snapshots: true, free_space_mgr_name: `${n.name};pool1`,
  }))));
  app.get('/v1/resource-definitions', (_q, res) => send(res, 200, rds));
  app.post('/v1/resource-definitions', (q, res) => {
    const b = q.body as { resource_definition: { name: string } };
    rds.push({ name: b.resource_definition.name, resource_group_name: 'DfltRscGrp', layer_data: [{ type: 'DRBD' }, { type: 'STORAGE' }] });
    return send(res, 201, [rc(0x380000n | 0x1000000n | 1n, `New resource definition '${b.resource_definition.name}' created.`, { obj_refs: { RscDfn: b.resource_definition.name } })]);
  });
  app.get('/v1/view/resources', (_q, res) => send(res, 200, rds.flatMap((r) => nodes.map((n) => ({
    name: r.name, node_name: n.name, create_timestamp: Date.UTC(2026, 0, 2, 3, 4, 5), state: { in_use: false },
    layer_object: { type: 'DRBD', drbd: { drbd_resource_definition: { port: 7000 }, connections: {} } },
    volumes: [{ volume_number: 0, storage_pool_name: 'pool1', device_path: '/dev/drbd1000', allocated_size_kib: 1048576, state: { disk_state: 'UpToDate' },
      layer_data_list: [{ type: 'DRBD', data: { drbd_volume_definition: { minor_number: 1000 } } }] }],
  })))));
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, port, requests, stop: () => new Promise((r) => server.close(() => r())) };
}
