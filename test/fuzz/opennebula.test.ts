/**
 * Fuzz: the OpenNebula drivers' inputs, in process against a real controller and satellite.
 * Datastore actions get a hostile DRV_ACTION (base64 XML as oned ≤ 6.6 passes it in argv):
 * hostile IMAGE and DATASTORE fields, broken XML, DOCTYPEs with internal and external entities
 * (billion laughs, `SYSTEM "file://<sentinel>/etc/passwd"`). TM actions get hostile
 * `host:path`, VM and datastore ids. SSH goes nowhere (the key file does not exist), so a
 * command that passed the checks is recorded by the exec audit and then fails.
 * Properties: an action resolves or fails with a message (never a crash or a hang); a value
 * refused by the checks (DriverError) ran no command; no entity is expanded (the sentinel's
 * passwd line never shows up in an answer); the controller answers /health within 1 s; the
 * sentinel tree is unchanged.
 */
import test from 'ava';
import fc from 'fast-check';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { startCluster, type Cluster } from '../e2e/cluster.js';
import { call } from '../helpers/controller-rest.js';
import { DriverError } from '../../plugins/opennebula/lib/log.js';
import { describeError } from '../../plugins/opennebula/run.js';
import { commandsWith, fcParams, hostileNumber, hostileString, markerArb, report, runs, sandbox, treeDigest, type Sandbox } from './hostile.js';

const CASES = runs(400);
let sb: Sandbox;
let cluster: Cluster;
const RG = 'fzonerg';
type Action = (argv: string[]) => Promise<string | void>;
let dsActions: Record<string, Action>;
let tmActions: Record<string, Action>;

test.before(async () => {
  sb = sandbox('one');
  process.env.ONE_LINSTOR_SSH_KEY = join(sb.work, 'no-such-key');
  process.env.ONE_LINSTOR_KNOWN_HOSTS = join(sb.work, 'known_hosts');
  process.env.ONE_LINSTOR_SSH_PORT = '1';
  cluster = await startCluster(1, { pool: 'fzpool' });
  const r = await call(cluster.ctl, 'POST', '/v1/resource-groups', { name: RG, select_filter: { place_count: 1, storage_pool: 'fzpool', layer_stack: ['STORAGE'] } });
  if (r.status >= 300) throw new Error(`fixture: ${r.text}`);
  const ds = (m: string) => import(`../../plugins/opennebula/datastore/${m}.js`);
  const tm = (m: string) => import(`../../plugins/opennebula/tm/${m}.js`);
  dsActions = {
    mkfs: (await ds('mkfs')).mkfs, stat: (await ds('stat')).stat, monitor: (await ds('monitor')).monitor, rm: (await ds('rm')).rm,
    clone: (await ds('clone')).clone, cp: (await ds('cp')).cp, snap_delete: (await ds('snap_delete')).snapDelete,
    snap_revert: (await ds('snap_revert')).snapRevert, snap_flatten: (await ds('snap_flatten')).snapFlatten, export: (await ds('export')).exportImage,
  };
  tmActions = {
    delete: (await tm('delete')).del, ln: (await tm('ln')).ln, clone: (await tm('clone')).clone, mv: (await tm('mv')).mv,
    mkimage: (await tm('mkimage')).mkimage, mkswap: (await tm('mkswap')).mkswap, cpds: (await tm('cpds')).cpds, mvds: (await tm('mvds')).mvds,
  };
});
test.after.always(async () => { await cluster?.teardown(); sb?.remove(); });

const cdata = (v: string): string => `<![CDATA[${v.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;

function datastoreXml(fields: Record<string, string>): string {
  const t = Object.entries(fields).map(([k, v]) => `<${k}>${cdata(v)}</${k}>`).join('');
  return `<DATASTORE><ID>100</ID><NAME>linstor-fz</NAME><DS_MAD>${cdata('linstor')}</DS_MAD><TM_MAD>${cdata('linstor')}</TM_MAD>`
    + `<BASE_PATH>${cdata('/var/lib/one//datastores/100')}</BASE_PATH><TYPE>0</TYPE><TEMPLATE>${t}</TEMPLATE></DATASTORE>`;
}

function imageXml(fields: Record<string, string>): string {
  return `<IMAGE>${Object.entries(fields).map(([k, v]) => `<${k}>${cdata(v)}</${k}>`).join('')}</IMAGE>`;
}

/** DOCTYPEs that would read a file or blow up memory if entities were expanded. */
function entityDocument(sb: Sandbox, m: string, kind: number): string {
  const passwd = join(sb.sentinel, 'etc/passwd');
  const laughs = ['<!ENTITY l0 "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`)].join('');
  const dtd = [
    `<!DOCTYPE DS_DRIVER_ACTION_DATA [<!ENTITY x SYSTEM "file://${passwd}">]>`,
    `<!DOCTYPE DS_DRIVER_ACTION_DATA [${laughs}]>`,
    `<!DOCTYPE DS_DRIVER_ACTION_DATA SYSTEM "file://${passwd}">`,
    `<!DOCTYPE DS_DRIVER_ACTION_DATA [<!ENTITY % p SYSTEM "file://${passwd}">%p;]>`,
  ][kind % 4];
  const ref = ['&x;', '&l9;', '&x;', '&p;'][kind % 4];
  return `<?xml version="1.0"?>${dtd}<DS_DRIVER_ACTION_DATA><IMAGE><ID>7</ID><SIZE>1</SIZE><SOURCE>${ref}${m}</SOURCE></IMAGE>`
    + `<DATASTORE><ID>100</ID><TEMPLATE><LINSTOR_RESOURCE_GROUP>${ref}</LINSTOR_RESOURCE_GROUP><BRIDGE_LIST>${ref}</BRIDGE_LIST></TEMPLATE></DATASTORE></DS_DRIVER_ACTION_DATA>`;
}

test.serial(`OpenNebula: ${CASES} hostile driver calls fail with a message, run nothing refused and touch nothing`, async (t) => {
  t.timeout(20 * 60_000);
  const before = treeDigest(sb.sentinel);
  const passwdLine = readFileSync(join(sb.sentinel, 'etc/passwd'), 'utf8').trim();
  const controllers = `127.0.0.1:${cluster.ctl.port}`;
  const started = Date.now();
  let cases = 0;
  let refused = 0;
  let slowest = 0;
  const nodeName = cluster.nodes[0]!.name;

  const str = (m: string) => hostileString(sb, m);
  /** Mostly the valid value, so a case usually gets past the other fields' checks to the hostile one. */
  const mostly = <T>(ok: fc.Arbitrary<T>, bad: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: ok }, { weight: 1, arbitrary: bad });
  const num = (m: string) => fc.oneof(hostileNumber.map(String), str(m));
  const dsCase = (m: string) => fc.record({
    kind: fc.constant('ds' as const),
    action: fc.constantFrom(...Object.keys(dsActions)),
    doc: fc.oneof(
      { weight: 6, arbitrary: fc.record({
        ds: fc.record({
          LINSTOR_RESOURCE_GROUP: mostly(fc.constant(RG), str(m)),
          LINSTOR_CONTROLLERS: fc.oneof({ weight: 4, arbitrary: fc.constant(controllers) }, { weight: 1, arbitrary: str(m) }),
          BRIDGE_LIST: mostly(fc.constant(nodeName), str(m)),
          LINSTOR_CLONE_MODE: mostly(fc.constantFrom('snapshot', 'copy'), str(m)),
        }, { requiredKeys: ['LINSTOR_RESOURCE_GROUP', 'LINSTOR_CONTROLLERS'] }),
        image: fc.record({
          ID: mostly(fc.constant('7'), num(m)), SIZE: mostly(fc.constant('4'), num(m)), SOURCE: mostly(fc.constant('OpenNebula-Image-7'), str(m)),
          PATH: mostly(fc.constant('/var/tmp/one-image.raw'), str(m)), FS: mostly(fc.constantFrom('', 'raw', 'ext4'), str(m)), FORMAT: mostly(fc.constant('raw'), str(m)),
          CLONING_ID: num(m), TARGET_SNAPSHOT: num(m),
        }, { requiredKeys: [] }),
      }).map(({ ds, image }) => `<DS_DRIVER_ACTION_DATA>${imageXml(image)}${datastoreXml(ds)}</DS_DRIVER_ACTION_DATA>`) },
      { weight: 2, arbitrary: fc.nat(3).map((k) => entityDocument(sb, m, k)) },
      { weight: 1, arbitrary: fc.constantFrom('<DS_DRIVER_ACTION_DATA>', '<a>', '', '<DS_DRIVER_ACTION_DATA><DATASTORE/></DS_DRIVER_ACTION_DATA>', `<${m}/>`, '<'.repeat(5000)) },
    ),
    id: mostly(fc.constant('7'), num(m)),
  });
  // TM arguments in each action's positions (as the transfer script passes them), mostly valid.
  const disk = `${nodeName}:/var/lib/one//datastores/0/5/disk.0`;
  const TM_ARGS: Record<string, string[]> = {
    delete: [disk, '5', '0'], ln: ['frontend:OpenNebula-Image-7', disk, '5', '100'], clone: ['frontend:OpenNebula-Image-7', disk, '5', '100'],
    mv: [disk, `${nodeName}:/var/lib/one//datastores/0/5/disk.1`, '5', '0'], mkimage: ['4', 'raw', disk, '5', '0'], mkswap: ['4', disk, '5', '0'],
    cpds: [disk, 'OpenNebula-Image-7', '-1', '5', '100'], mvds: [disk, 'OpenNebula-Image-7', '5', '100'],
  };
  const tmCase = (m: string) => fc.constantFrom(...Object.keys(tmActions)).chain((action) => fc.record({
    kind: fc.constant('tm' as const),
    action: fc.constant(action),
    argv: fc.tuple(...TM_ARGS[action]!.map((ok) => mostly(fc.constant(ok), fc.oneof(
      fc.tuple(fc.constantFrom(nodeName, ''), str(m)).map(([h, p]) => `${h}:${p}`), str(m), num(m))))),
  }));
  const arb = markerArb.chain((m) => fc.tuple(fc.constant(m), fc.oneof(dsCase(m), tmCase(m))));

  await fc.assert(fc.asyncProperty(arb, async ([m, c]) => {
    cases++;
    // argv[0] as oned ≤ 6.6 passes DRV_ACTION (padded: a document shorter than 17 characters would
    // make the action wait for it on stdin, as oned ≥ 6.8 passes it).
    const argv = c.kind === 'ds' ? [Buffer.from(c.doc).toString('base64').padEnd(17, ' '), c.id] : c.argv;
    const action = c.kind === 'ds' ? dsActions[c.action]! : tmActions[c.action]!;
    const what = `${c.kind} ${c.action} ${JSON.stringify(c.kind === 'ds' ? c.doc : c.argv).slice(0, 300)}`;
    let out = '';
    let error: unknown;
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within 30 s: ${what}`)), 30_000); });
    try { out = String(await Promise.race([action(argv), hang]) ?? ''); } catch (e) { error = e; } finally { clearTimeout(timer); }
    if (error instanceof Error && error.message.startsWith('no answer within 30 s')) throw error;
    if (error !== undefined) {
      const { message } = describeError(error);
      if (!message) throw new Error(`failed without a message: ${what}`);
      if (error instanceof TypeError || error instanceof RangeError) throw new Error(`crashed (${(error as Error).message}): ${what}`);
      if (message.includes(passwdLine)) throw new Error(`an entity was expanded: ${what}`);
      if (error instanceof DriverError) {
        refused++;
        const ran = commandsWith(sb.audit, m);
        if (ran.length) throw new Error(`a refused call ran commands: ${what}\n${ran.join('\n')}`);
      }
    }
    if (out.includes(passwdLine)) throw new Error(`an entity was expanded into the output: ${what}`);
    const h0 = Date.now();
    const h = await call(cluster.ctl, 'GET', '/health');
    const ms = Date.now() - h0;
    slowest = Math.max(slowest, ms);
    if (h.status !== 200 || ms > 1000) throw new Error(`/health answered ${h.status} after ${ms} ms: ${what}`);
  }), fcParams(CASES));

  t.deepEqual(treeDigest(sb.sentinel), before, 'the sentinel tree is unchanged');
  t.is(cluster.nodes[0]!.sat.proc.exitCode, null, 'the satellite is still running');
  t.true(readFileSync(sb.audit, 'utf8').split('\n').every((l) => !l.includes(passwdLine)), 'no command carried the sentinel passwd line');
  t.is(cases, CASES);
  report('OpenNebula', cases, started, `${refused} refused by the checks, slowest /health ${slowest} ms`);
});
