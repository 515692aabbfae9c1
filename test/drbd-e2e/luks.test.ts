/**
 * LUKS end to end: a real controller with a master passphrase, real satellites on FILE_THIN
 * pools (real loop devices). What is real: the volume keys sealed in the controller's store,
 * their delivery, `cryptsetup luksFormat` on the satellite's loop device. What is a dry run:
 * `cryptsetup open` (no device-mapper driver on these machines), recorded by satellites started
 * with --drbd-dry-run; a satellite without it says LUKS is unsupported here, and why.
 */
import test from 'ava';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { startSatellite, type SatelliteProcess } from '../helpers/satellite.js';
import { call, isError, makeGroup, placed, startPlacementCluster, waitFor, type PCluster, type Rc } from '../placement-e2e/cluster.js';
import { drbdadmDump, resFile, run, section } from './helpers.js';

// A cheap key derivation: the satellites' luksFormat would otherwise take seconds and a GiB of RAM.
process.env.LINSTOR_LUKS_FORMAT_ARGS = '--pbkdf pbkdf2 --pbkdf-force-iterations 1000';
const PASS = 'master-passphrase-for-tests';
const MiB = 1024;

let c: PCluster;
let plain: SatelliteProcess | undefined;
const plainName = `plain-${Math.random().toString(36).slice(2, 7)}`;
test.before(async () => {
  c = await startPlacementCluster(2, { drbdDryRun: true, firstAddress: 5 });
  const r = await call(c.ctl, 'POST', '/v1/encryption/passphrase', { new_passphrase: PASS });
  if (r.status !== 201) throw new Error(JSON.stringify(r.body));
});
test.after.always(async () => { await plain?.kill9().catch(() => {}); await c?.teardown(); });

const uniq = (p: string) => `${p}_${Math.random().toString(36).slice(2, 7)}`;
type Json = Record<string, any>;

/** Key rows in the controller's own database (sealed; only their names are read). */
function keyRows(): string[] {
  const db = new Database(join(c.ctl.dir, 'linstor.db'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("SELECT key FROM secrets WHERE key LIKE 'VLMKEY/%'").all() as Array<{ key: string }>).map((r) => r.key);
  } finally { db.close(); }
}

async function resources(rd: string): Promise<Json[]> {
  return (await call<Json[]>(c.ctl, 'GET', `/v1/view/resources?resources=${rd}`)).body;
}

/** The device the STORAGE layer made for volume 0 on a node, from the layer data. */
function storageDevice(row: Json): string | undefined {
  let o = row.layer_object;
  while (o && o.type !== 'STORAGE') o = o.children?.[0];
  return o?.storage?.storage_volumes?.[0]?.device_path;
}

test.serial('(open is a dry run) a LUKS,STORAGE resource group: keys made with the volume definitions, every replica luksFormat-ed for real, open recorded', async (t) => {
  const rg = uniq('rgl');
  const rd = uniq('enc');
  await makeGroup(c, rg, { place_count: 2, storage_pool: c.pool, layer_stack: ['LUKS', 'STORAGE'] });
  const sp = await call<Rc>(c.ctl, 'POST', `/v1/resource-groups/${rg}/spawn`, { resource_definition_name: rd, volume_sizes: [32 * MiB] });
  t.false(isError(sp.body), JSON.stringify(sp.body));
  t.deepEqual(keyRows().filter((k) => k.startsWith(`VLMKEY/${rd.toUpperCase()}/`)), [`VLMKEY/${rd.toUpperCase()}/0`]);

  const rows = await waitFor('both replicas report their devices', async () => {
    const v = await resources(rd);
    return v.length === 2 && v.every((r) => storageDevice(r) && r.volumes?.[0]?.device_path) ? v : undefined;
  });
  for (const row of rows) {
    t.is(row.volumes[0].device_path, `/dev/mapper/${rd}_00000`, 'the volume is used through its LUKS mapping');
    const dev = storageDevice(row)!;
    t.is((await run(['cryptsetup', 'isLuks', dev])).code, 0, `${row.node_name}: ${dev} carries a real LUKS header`);
    const sat = c.nodes.find((n) => n.name === row.node_name)!.sat;
    t.true(sat.logs.some((l) => /LUKS dry run: command recorded/.test(l) && l.includes(`${rd}_00000`)), 'the satellite says open was only recorded');
  }

  // A second volume definition brings its own key, in the same request.
  const vd = await call<Rc>(c.ctl, 'POST', `/v1/resource-definitions/${rd}/volume-definitions`, { volume_definition: { size_kib: 20 * MiB } });
  t.false(isError(vd.body), JSON.stringify(vd.body));
  t.true(keyRows().includes(`VLMKEY/${rd.toUpperCase()}/1`));
  // Keys go with what they encrypt.
  const delVd = await call<Rc>(c.ctl, 'DELETE', `/v1/resource-definitions/${rd}/volume-definitions/1`);
  t.false(isError(delVd.body), JSON.stringify(delVd.body));
  t.false(keyRows().includes(`VLMKEY/${rd.toUpperCase()}/1`));
  const del = await call<Rc>(c.ctl, 'DELETE', `/v1/resource-definitions/${rd}`);
  t.false(isError(del.body), JSON.stringify(del.body));
  t.deepEqual(keyRows().filter((k) => k.includes(rd.toUpperCase())), []);
});

test.serial('(dry run) DRBD over LUKS: the .res file names the LUKS mapping as the backing disk and drbdadm accepts it', async (t) => {
  const rg = uniq('rgdl');
  const rd = uniq('dl');
  await makeGroup(c, rg, { place_count: 2, storage_pool: c.pool, layer_stack: ['DRBD', 'LUKS', 'STORAGE'] });
  const sp = await call<Rc>(c.ctl, 'POST', `/v1/resource-groups/${rg}/spawn`, { resource_definition_name: rd, volume_sizes: [32 * MiB] });
  t.false(isError(sp.body), JSON.stringify(sp.body));
  t.true(keyRows().includes(`VLMKEY/${rd.toUpperCase()}/0`));
  for (const n of c.nodes) {
    const text = await waitFor(`${n.name} .res`, () => resFile(n, rd));
    t.regex(section(text, new RegExp(`^\\s*on "${n.name}"\\s*$`))!.body, new RegExp(`disk /dev/mapper/${rd}_00000;`));
    t.is((await drbdadmDump(n, rd)).code, 0);
  }
  const rows = await waitFor('reported', async () => {
    const v = await resources(rd);
    return v.length === 2 && v.every((r) => storageDevice(r)) ? v : undefined;
  });
  for (const row of rows) t.is((await run(['cryptsetup', 'isLuks', storageDevice(row)!])).code, 0);
  await call(c.ctl, 'DELETE', `/v1/resource-definitions/${rd}`);
});

test.serial('a satellite without device-mapper (not in dry-run mode) reports LUKS unsupported and the controller refuses encrypted resources there', async (t) => {
  plain = await startSatellite({ address: '127.0.0.7', port: 0, nodeName: plainName, reportIntervalMs: 1000 });
  const r = await call(c.ctl, 'POST', '/v1/nodes', { name: plainName, type: 'SATELLITE', net_interfaces: [{ name: 'default', address: '127.0.0.7', satellite_port: plain.port }] });
  t.is(r.status, 201, JSON.stringify(r.body));
  await waitFor('online', async () => (await call<Json>(c.ctl, 'GET', `/v1/nodes/${plainName}`)).body.connection_status === 'ONLINE');
  const node = (await call<Json>(c.ctl, 'GET', `/v1/nodes/${plainName}`)).body;
  t.false((node.resource_layers ?? []).includes('LUKS'), JSON.stringify(node));
  t.regex(JSON.stringify(node.unsupported_layers ?? {}), /device-mapper/);
  const rd = uniq('nodm');
  t.true((await call(c.ctl, 'POST', '/v1/resource-definitions', { resource_definition: { name: rd, layer_data: [{ type: 'LUKS' }, { type: 'STORAGE' }] } })).status < 300);
  t.true((await call(c.ctl, 'POST', `/v1/resource-definitions/${rd}/volume-definitions`, { volume_definition: { size_kib: 32 * MiB } })).status < 300);
  const cr = await call<Rc>(c.ctl, 'POST', `/v1/resource-definitions/${rd}/resources`, [{ resource: { node_name: plainName }, layer_list: ['LUKS', 'STORAGE'] }]);
  t.true(isError(cr.body), JSON.stringify(cr.body));
  t.regex(JSON.stringify(cr.body), /does not support the layer\(s\) LUKS/);
  t.regex(JSON.stringify(cr.body), /device-mapper/);
  await call(c.ctl, 'DELETE', `/v1/resource-definitions/${rd}`);
  await call(c.ctl, 'DELETE', `/v1/nodes/${plainName}`);
});

test.serial('after a controller restart the master passphrase is locked: new encrypted volumes are refused until it is entered again', async (t) => {
  const rg = uniq('rgk');
  await makeGroup(c, rg, { place_count: 1, storage_pool: c.pool, layer_stack: ['LUKS', 'STORAGE'] });
  const before = uniq('kb');
  t.false(isError((await call<Rc>(c.ctl, 'POST', `/v1/resource-groups/${rg}/spawn`, { resource_definition_name: before, volume_sizes: [32 * MiB] })).body));
  await c.ctl.restart();
  await waitFor('satellites back', async () => {
    for (const n of c.nodes) if ((await call<Json>(c.ctl, 'GET', `/v1/nodes/${n.name}`)).body.connection_status !== 'ONLINE') return false;
    return true;
  });
  t.is((await call<Json[]>(c.ctl, 'GET', '/v1/encryption/passphrase')).body[0]!.status, 'locked');
  const rd = uniq('kl');
  const sp = await call<Rc>(c.ctl, 'POST', `/v1/resource-groups/${rg}/spawn`, { resource_definition_name: rd, volume_sizes: [32 * MiB] });
  t.true(isError(sp.body), JSON.stringify(sp.body));
  t.regex(JSON.stringify(sp.body), /master passphrase is locked/);
  t.is((await call(c.ctl, 'GET', `/v1/resource-definitions/${rd}`)).status, 404, 'nothing half-made stays behind');
  // Another replica of an existing encrypted resource needs its (sealed) key too.
  const where = (await placed(c, before)).map((p) => p.node);
  const free = c.nodes.map((n) => n.name).find((n) => !where.includes(n))!;
  const cr = await call<Rc>(c.ctl, 'POST', `/v1/resource-definitions/${before}/resources`, [{ resource: { node_name: free, props: { StorPoolName: c.pool } } }]);
  t.true(isError(cr.body), JSON.stringify(cr.body));
  t.regex(JSON.stringify(cr.body), /master passphrase is locked/);
  const vd = await call<Rc>(c.ctl, 'POST', `/v1/resource-definitions/${before}/volume-definitions`, { volume_definition: { size_kib: 20 * MiB } });
  t.true(isError(vd.body), JSON.stringify(vd.body));
  t.regex(JSON.stringify(vd.body), /master passphrase is locked/);
  t.is((await call<Json[]>(c.ctl, 'GET', `/v1/resource-definitions/${before}/volume-definitions`)).body.length, 1, 'the refused volume definition was not made');
  // The satellite got the existing encrypted resource without its key and says why.
  const holder = c.nodes.find((n) => n.name === where[0])!;
  await waitFor('satellite refuses the keyless volume', () => holder.sat.logs.some((l) => l.includes('No encryption key') && l.includes(before)));
  // Entering it unlocks everything again, and the satellites get the keys.
  const mark = holder.sat.logs.length;
  const ent = await call(c.ctl, 'PATCH', '/v1/encryption/passphrase', PASS);
  t.is(ent.status, 200, JSON.stringify(ent.body));
  await waitFor('satellite opens the volume again (recorded)', () => holder.sat.logs.slice(mark).some((l) => /LUKS dry run: command recorded/.test(l) && l.includes(`${before}_00000`)));
  const ok = await call<Rc>(c.ctl, 'POST', `/v1/resource-groups/${rg}/spawn`, { resource_definition_name: rd, volume_sizes: [32 * MiB] });
  t.false(isError(ok.body), JSON.stringify(ok.body));
});
