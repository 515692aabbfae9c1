/**
 * The Nomad files under plugins/nomad-csi/examples (the only ones: scripts/install.sh installs them) and the plugin's
 * Dockerfile: each HCL file parses with HashiCorp's HCL 2 parser (@cdktf/hcl2json, the Go
 * parser built to WebAssembly), the plugin jobs name only flags the plugin's own option parser
 * takes and variables it reads, the volume files use parameters the plugin's parameter parser
 * accepts, the job uses the volume the volume file defines, and the image installs the
 * Debian package of every command the node plugin runs.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { parse } from '@cdktf/hcl2json';
import { SUPPORTED_MODES } from '../../plugins/nomad-csi/capabilities.js';
import { CSI_ENV, parseCsiArgs } from '../../plugins/nomad-csi/options.js';
import { parseParameters } from '../../plugins/nomad-csi/params.js';
import { DEFAULT_PLUGIN_NAME } from '../../plugins/nomad-csi/plugin.js';
import { socketPathOf } from '../../plugins/nomad-csi/server.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const EXAMPLES = join(ROOT, 'plugins', 'nomad-csi', 'examples');
const read = (p: string) => readFileSync(p, 'utf8');
const hcl = async (dir: string, f: string): Promise<any> => parse(f, read(join(dir, f)));
const jobFiles = readdirSync(EXAMPLES).filter((f) => f.endsWith('.nomad.hcl')).map((f) => [EXAMPLES, f]) as Array<[string, string]>;

/** Every task of a parsed job file, with its group. */
function tasks(doc: any): Array<{ job: string; task: any }> {
  const out: Array<{ job: string; task: any }> = [];
  for (const [job, [j]] of Object.entries<any>(doc.job ?? {})) {
    for (const [, [g]] of Object.entries<any>(j.group ?? {})) for (const [, [t]] of Object.entries<any>(g.task ?? {})) out.push({ job, task: t });
  }
  return out;
}

test('every example is valid HCL 2 (a quoted key inside a block, for one, is not)', async (t) => {
  const all = readdirSync(EXAMPLES).filter((f) => f.endsWith('.hcl'));
  t.true(all.length >= 5, all.join(' '));
  for (const f of all) await t.notThrowsAsync(hcl(EXAMPLES, f), f);
  await t.throwsAsync(parse('bad.hcl', 'parameters {\n  "a/b" = "c"\n}\n'), { message: /Argument names must not be quoted/ });
});

test('the plugin jobs: csi_plugin with our plugin id, a mode matching its type, a socket inside mount_dir, a privileged node plugin, and only flags and variables linstor-csi takes', async (t) => {
  const types = new Set<string>();
  for (const [dir, f] of jobFiles) {
    for (const { task } of tasks(await hcl(dir, f))) {
      const plugin = task.csi_plugin?.[0];
      if (!plugin) continue;
      t.is(plugin.id, DEFAULT_PLUGIN_NAME, f);
      types.add(plugin.type);
      const args: string[] = task.config[0].args;
      const values = parseCsiArgs(args); // throws on a flag the plugin does not know
      t.is(values.mode ?? 'monolith', plugin.type, `${f}: --mode matches csi_plugin.type`);
      t.truthy(values.node, `${f}: --node names the LINSTOR node`);
      const socket = socketPathOf(String(values['csi-endpoint']).replace('${NOMAD_TASK_DIR}', plugin.mount_dir));
      t.true(socket.startsWith(`${plugin.mount_dir}/`), `${f}: socket ${socket} inside mount_dir ${plugin.mount_dir}`);
      for (const k of Object.keys(task.env?.[0] ?? {})) t.true((CSI_ENV as readonly string[]).includes(k), `${f}: env ${k} is read by the plugin`);
      if (task.driver === 'docker') {
        t.is(task.config[0].image, 'linstor-ts-csi:latest', f);
        if (plugin.type !== 'controller') t.is(task.config[0].privileged, true, `${f}: the node plugin mounts, so it runs privileged`);
      }
    }
  }
  t.deepEqual([...types].sort(), ['controller', 'node']);
  // A flag the plugin does not take is caught by the same check.
  t.throws(() => parseCsiArgs(['--csi-endpoint=unix:///csi/csi.sock', '--endpoint=x']));
});

test('the volume files use our plugin id, modes and filesystems the plugin serves, and parameters its parser accepts; the job uses the created volume as the volume file describes it', async (t) => {
  const vol = await hcl(EXAMPLES, 'volume.hcl');
  const reg = await hcl(EXAMPLES, 'volume-register.hcl');
  for (const v of [vol, reg]) {
    t.is(v.plugin_id, DEFAULT_PLUGIN_NAME);
    t.is(v.type, 'csi');
    for (const c of v.capability) t.true((SUPPORTED_MODES as readonly string[]).includes(c.access_mode.toUpperCase().replace(/-/g, '_')), c.access_mode);
    t.true(['ext4', 'xfs'].includes(v.mount_options[0].fs_type));
  }
  t.notThrows(() => parseParameters(vol.parameters));
  t.like(parseParameters(vol.parameters), { placementCount: 2, storagePool: 'pool1', layerList: ['DRBD', 'STORAGE'] });
  t.truthy(reg.external_id);
  const [{ task }] = tasks(await hcl(EXAMPLES, 'postgres.nomad.hcl'));
  const job = (await hcl(EXAMPLES, 'postgres.nomad.hcl')).job.postgres[0];
  const volBlock = Object.values<any>(job.group.db[0].volume)[0][0];
  t.is(volBlock.source, vol.id);
  t.is(volBlock.access_mode, vol.capability[0].access_mode);
  t.is(volBlock.attachment_mode, vol.capability[0].attachment_mode);
  t.is(task.volume_mount[0].volume, Object.keys(job.group.db[0].volume)[0]);
});

test('the Dockerfile: node 20, the built plugin as entry point, and the Debian package of every command the node plugin runs', (t) => {
  const df = read(join(ROOT, 'plugins', 'nomad-csi', 'Dockerfile'));
  const froms = [...df.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]!);
  t.true(froms.length > 0 && froms.every((f) => /^node:20\b/.test(f)), froms.join(' '));
  t.regex(df, /ENTRYPOINT \["node", "\/opt\/linstor-ts\/dist\/plugins\/nomad-csi\/main\.js"\]/);
  t.regex(df, /COPY plugins\/nomad-csi\/proto /, 'the CSI spec the server loads at start');
  const installed = new Set(/apt-get install[^\n]*?((?:\s+[a-z0-9.+-]+)+)\s*\\?\n/.exec(df)![1]!.trim().split(/\s+/).filter((w) => !w.startsWith('-')));
  for (const p of ['e2fsprogs', 'xfsprogs', 'util-linux']) t.true(installed.has(p), p);
  // What the node plugin runs (node/*.ts), and which Debian package ships it on this Debian 12.
  for (const cmd of ['mkfs.ext4', 'mkfs.xfs', 'resize2fs', 'e2fsck', 'dumpe2fs', 'xfs_growfs', 'xfs_io', 'blkid', 'blockdev', 'findmnt', 'mount', 'umount']) {
    const path = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim();
    t.truthy(path, `${cmd} on this machine`);
    const owner = spawnSync('dpkg', ['-S', path.replace(/^\/usr\/sbin/, '/sbin').replace(/^\/usr\/bin/, '/bin')], { encoding: 'utf8' });
    const owner2 = owner.status === 0 ? owner : spawnSync('dpkg', ['-S', path], { encoding: 'utf8' });
    const pkg = owner2.stdout.split(':')[0]!.trim();
    t.true(installed.has(pkg), `${cmd} comes from ${pkg}, which the image installs`);
  }
});
