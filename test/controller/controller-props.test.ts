import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import Database from 'better-sqlite3';
import { startController, type TestController } from '../helpers/controller.js';
import { call, suffix } from '../helpers/controller-rest.js';

let ctl: TestController;
test.before(async () => { ctl = await startController(); });
test.after.always(async () => { await ctl?.stop(); });

test('controller properties are set, listed and deleted by keys containing slashes', async (t) => {
  const key = `Aux/team/${suffix()}`;
  const set = await call(ctl, 'POST', '/v1/controller/properties', { override_props: { [key]: 'blue', 'DrbdOptions/Net/protocol': 'C' } });
  t.is(set.status, 201);
  t.true(set.body.some((e: any) => e.message === `Successfully set property '${key}' to value 'blue'`));
  t.is((await call(ctl, 'GET', '/v1/controller/properties')).body[key], 'blue');
  const del = await call(ctl, 'DELETE', `/v1/controller/properties/${key}`);
  t.is(del.status, 200);
  t.is(del.body[0].message, `Successfully deleted property '${key}'`);
  t.false(key in (await call(ctl, 'GET', '/v1/controller/properties')).body);
  const again = await call(ctl, 'DELETE', `/v1/controller/properties/${key}`);
  t.is(again.status, 200);
  t.regex(again.body[0].message, /did not exist/);
});

test('delete_namespaces removes the keys inside the namespace only; deleting a key that is not set warns (WARN_DEL_UNSET_PROP) and deletes nothing', async (t) => {
  const base = `Aux/ns${suffix()}`;
  const set = await call(ctl, 'POST', '/v1/controller/properties', { override_props: { [`${base}/a/x`]: '1', [`${base}/a/y`]: '2', [`${base}/ab`]: '3', [`${base}/a`]: '4' } });
  t.is(set.status, 201);
  const del = await call(ctl, 'POST', '/v1/controller/properties', { delete_namespaces: [`${base}/a`] });
  t.is(del.status, 201);
  const after = (await call(ctl, 'GET', '/v1/controller/properties')).body;
  t.false(`${base}/a/x` in after);
  t.false(`${base}/a/y` in after);
  t.is(after[`${base}/ab`], '3', "a sibling whose name merely starts the same ('ab') stays");
  t.is(after[`${base}/a`], '4', 'the key named like the namespace is not inside it');
  const missing = `${base}/never-set`;
  const warn = await call(ctl, 'POST', '/v1/controller/properties', { delete_props: [missing, `${base}/ab`] });
  t.is(warn.status, 201);
  const codes = warn.body.map((e: any) => BigInt(e.ret_code));
  t.true(codes.some((c: bigint) => (BigInt.asUintN(64, c) >> 62n) === 2n), JSON.stringify(warn.body));
  t.regex(warn.body[0].message, new RegExp(`Could not delete property '${missing}' as it did not exist`));
  t.is(warn.body[1].message, `Successfully deleted property '${base}/ab'`);
  t.false(`${base}/ab` in (await call(ctl, 'GET', '/v1/controller/properties')).body);
});

test('a controller property with an unknown key or a hostile value is refused and nothing changes', async (t) => {
  for (const override_props of [{ StorPoolNam: 'x' }, { 'Aux/a;b': 'x' }, { 'Aux/ok': 'x'.repeat(20000) }, { 'Aux/ok': { nested: 1 } }, { 'Aux/ünï': 'x' }]) {
    const r = await call(ctl, 'POST', '/v1/controller/properties', { override_props });
    // An object where a string belongs does not parse (400, as Jackson); the others break a rule (500).
    t.is(r.status, typeof Object.values(override_props)[0] === 'object' ? 400 : 500, JSON.stringify(override_props).slice(0, 40));
    t.truthy(r.body[0].correction);
  }
  const after = (await call(ctl, 'GET', '/v1/controller/properties')).body;
  for (const k of ['StorPoolNam', 'Aux/a;b', 'Aux/ok', 'Aux/ünï']) t.false(k in after, k);
  // A number is not hostile: LINSTOR's Jackson reads it as the string "5", and so do we.
  const num = await call(ctl, 'POST', '/v1/controller/properties', { override_props: { 'Aux/num': 5 } });
  t.is(num.status, 201);
  t.is((await call(ctl, 'GET', '/v1/controller/properties')).body['Aux/num'], '5');
  t.is((await call(ctl, 'POST', '/v1/controller/properties', '{not json')).status, 400);
});

test('the controller config shows where it runs and the properties catalogue lists known keys', async (t) => {
  const cfg = await call(ctl, 'GET', '/v1/controller/config');
  t.is(cfg.status, 200);
  t.is(cfg.body.http.port, ctl.port);
  t.regex(cfg.body.db.connection_url, /^sqlite:/);
  t.is(cfg.body.config.dir, ctl.dir);
  const info = await call(ctl, 'GET', '/v1/controller/properties/info');
  t.truthy(info.body.TcpPortAutoRange.info);
  const all = await call(ctl, 'GET', '/v1/controller/properties/info/all');
  for (const family of ['CONTROLLER', 'NODE', 'STORAGEPOOL', 'RESOURCE_DEFINITION', 'VOLUME_DEFINITION', 'RESOURCE']) t.truthy(all.body[family], family);
  for (const path of ['/v1/nodes/properties/info', '/v1/storage-pool-definitions/properties/info', '/v1/nodes/x/storage-pools/properties/info',
    '/v1/resource-groups/properties/info', '/v1/resource-groups/x/volume-groups/properties/info', '/v1/resource-definitions/properties/info',
    '/v1/resource-definitions/r/volume-definitions/properties/info', '/v1/resource-definitions/r/resources/properties/info']) {
    const r = await call(ctl, 'GET', path);
    t.is(r.status, 200, path);
    t.true(Object.keys(r.body).length > 0, path);
  }
});

test('a database export writes the JSON export, a backup a readable SQLite copy, both into the backup folder; neither overwrites a file', async (t) => {
  await call(ctl, 'POST', '/v1/resource-groups', { name: 'exported_rg' });
  // Plain names; files go to the backup folder ([db] backup_directory, here beside the database), 0600.
  const backups = join(ctl.dir, 'backups');
  const e = await call(ctl, 'POST', '/v1/controller/database/export', { backup_name: 'export.json' });
  t.is(e.status, 201, e.text);
  const json = join(backups, 'export.json');
  t.is(statSync(json).mode & 0o777, 0o600);
  const doc = JSON.parse(readFileSync(json, 'utf8'));
  t.is(doc.format, 'linstor-ts-database-export');
  t.is(doc.tables.resource_groups.find((r: { key: string }) => r.key === 'EXPORTED_RG').value.name, 'exported_rg');
  const file = join(backups, 'backup.db');
  const r = await call(ctl, 'POST', '/v1/controller/backup/db', { backup_name: 'backup.db' });
  t.is(statSync(file).mode & 0o777, 0o600);
  t.is(r.status, 201, r.text);
  t.true(existsSync(file));
  const db = new Database(file, { readonly: true });
  const row = db.prepare("SELECT value FROM resource_groups WHERE key = 'EXPORTED_RG'").get() as { value: string } | undefined;
  db.close();
  t.is(JSON.parse(row!.value).name, 'exported_rg');
  const again = await call(ctl, 'POST', '/v1/controller/backup/db', { backup_name: 'backup.db' });
  t.is(again.status, 500);
  t.regex(again.body[0].message, /already exists/);
  for (const name of ['missing/x.db', '../../../../tmp/x', join(ctl.dir, 'abs.db')]) {
    const path = await call(ctl, 'POST', '/v1/controller/backup/db', { backup_name: name });
    t.is(path.status, 500, `a name with a path is refused: ${name}`);
    t.regex(path.body[0].message, /invalid/);
  }
  t.false(existsSync(join(ctl.dir, 'abs.db')));
  t.is((await call(ctl, 'POST', '/v1/controller/database/export', {})).status, 500);
});

test('stats count the objects of each family', async (t) => {
  for (const family of ['nodes', 'resources', 'resource-definitions', 'resource-groups', 'storage-pools', 'error-reports']) {
    const r = await call(ctl, 'GET', `/v1/stats/${family}`);
    t.is(r.status, 200, family);
    t.is(typeof r.body.count, 'number');
  }
  t.true((await call(ctl, 'GET', '/v1/stats/resource-groups')).body.count >= 1, 'DfltRscGrp counts');
});
