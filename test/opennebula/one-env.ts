/**
 * Runs the OpenNebula driver actions exactly as oned does: the launcher under
 * plugins/opennebula/remotes, argv as the transfer script / datastore driver passes it, the
 * base64 DRV_ACTION on stdin. `onevm`/`onedatastore` (oned's CLI, not available here) are
 * stand-in scripts that print prepared XML documents.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/controller.js';

export const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'opennebula');
export const REMOTES = join(REPO_ROOT, 'plugins', 'opennebula', 'remotes');

export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

export interface DriverRun { code: number; stdout: string; stderr: string }

/** The driver's error-report outbox in the tests: this process's own temp folder unless a test names one. */
export const TEST_OUTBOX_DIR = join(tmpdir(), `one-outbox-${process.pid}`);

export function runDriver(kind: 'tm' | 'datastore', action: string, argv: string[], opts: { stdin?: string; env?: Record<string, string> } = {}): Promise<DriverRun> {
  return new Promise((resolve) => {
    const env = { ...process.env, ONE_LINSTOR_OUTBOX_DIR: TEST_OUTBOX_DIR, ...opts.env };
    const child = spawn(join(REMOTES, kind, 'linstor', action), argv, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.stdin ?? '');
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** base64 as oned writes DRV_ACTION. */
export const b64 = (xml: string): string => Buffer.from(xml).toString('base64');

export interface DsTemplate { [k: string]: string }

const cdata = (v: string): string => `<![CDATA[${v}]]>`;

export function datastoreXml(id: number, template: DsTemplate, type = 0): string {
  const t = Object.entries(template).map(([k, v]) => `<${k}>${cdata(v)}</${k}>`).join('');
  return `<DATASTORE><ID>${id}</ID><UID>0</UID><GID>0</GID><UNAME>oneadmin</UNAME><GNAME>oneadmin</GNAME><NAME>linstor-${id}</NAME>`
    + `<DS_MAD>${cdata('linstor')}</DS_MAD><TM_MAD>${cdata('linstor')}</TM_MAD><BASE_PATH>${cdata(`/var/lib/one//datastores/${id}`)}</BASE_PATH>`
    + `<TYPE>${type}</TYPE><DISK_TYPE>2</DISK_TYPE><STATE>0</STATE><CLUSTERS><ID>0</ID></CLUSTERS><TOTAL_MB>0</TOTAL_MB><FREE_MB>0</FREE_MB><USED_MB>0</USED_MB><IMAGES/>`
    + `<TEMPLATE>${t}<CLONE_TARGET>${cdata('SELF')}</CLONE_TARGET><LN_TARGET>${cdata('NONE')}</LN_TARGET><DISK_TYPE>${cdata('BLOCK')}</DISK_TYPE><TM_MAD_SYSTEM>${cdata('ssh,shared')}</TM_MAD_SYSTEM></TEMPLATE></DATASTORE>`;
}

export interface ImageFields { id: number; size?: number; path?: string; source?: string; format?: string; fs?: string; cloningId?: number; targetSnapshot?: number }

export function imageXml(i: ImageFields, dsId: number): string {
  return `<IMAGE><ID>${i.id}</ID><UID>0</UID><GID>0</GID><UNAME>oneadmin</UNAME><GNAME>oneadmin</GNAME><NAME>img-${i.id}</NAME><TYPE>2</TYPE><DISK_TYPE>2</DISK_TYPE><PERSISTENT>0</PERSISTENT>`
    + `<SOURCE>${cdata(i.source ?? '')}</SOURCE><PATH>${cdata(i.path ?? '')}</PATH><FORMAT>${cdata(i.format ?? 'raw')}</FORMAT><FS>${cdata(i.fs ?? '')}</FS>`
    + `<SIZE>${i.size ?? 0}</SIZE><STATE>4</STATE><CLONING_ID>${i.cloningId ?? -1}</CLONING_ID><TARGET_SNAPSHOT>${i.targetSnapshot ?? -1}</TARGET_SNAPSHOT>`
    + `<DATASTORE_ID>${dsId}</DATASTORE_ID><TEMPLATE><DEV_PREFIX>${cdata('vd')}</DEV_PREFIX></TEMPLATE></IMAGE>`;
}

export function drvAction(ds: string, image?: string): string {
  return `<DS_DRIVER_ACTION_DATA>${image ?? ''}${ds}</DS_DRIVER_ACTION_DATA>`;
}

export interface VmDiskXml { diskId: number; source?: string; persistent?: boolean; imageId?: number; size?: number }

export function vmXml(id: number, disks: VmDiskXml[]): string {
  const d = disks.map((x) => `<DISK><DISK_ID>${x.diskId}</DISK_ID><SOURCE>${cdata(x.source ?? '')}</SOURCE><CLONE>${x.persistent ? 'NO' : 'YES'}</CLONE>`
    + `${x.persistent ? '<PERSISTENT>YES</PERSISTENT>' : ''}<TM_MAD>${cdata('linstor')}</TM_MAD><TYPE>${cdata(x.source ? 'BLOCK' : 'FS')}</TYPE>`
    + `${x.imageId !== undefined ? `<IMAGE_ID>${x.imageId}</IMAGE_ID>` : ''}${x.size ? `<SIZE>${x.size}</SIZE>` : ''}</DISK>`).join('');
  return `<VM><ID>${id}</ID><NAME>vm-${id}</NAME><TEMPLATE>${d}</TEMPLATE></VM>`;
}

/** A folder with stand-ins for oned's `onevm show -x` and `onedatastore show -x`. */
export class FakeOneCli {
  readonly dir = mkdtempSync(join(tmpdir(), 'one-cli-'));
  constructor() {
    mkdirSync(join(this.dir, 'bin'));
    mkdirSync(join(this.dir, 'xml'));
    for (const [cmd, prefix] of [['onevm', 'vm'], ['onedatastore', 'ds']] as const) {
      const f = join(this.dir, 'bin', cmd);
      writeFileSync(f, `#!/bin/sh\n[ "$1" = show ] && [ "$2" = -x ] || { echo "usage: ${cmd} show -x ID" >&2; exit 2; }\nf="${this.dir}/xml/${prefix}-$3.xml"\n[ -r "$f" ] || { echo "[one.${prefix}.info] Error getting ${prefix} [$3]." >&2; exit 255; }\ncat "$f"\n`);
      chmodSync(f, 0o755);
    }
  }
  setVm(id: number, xml: string): void { writeFileSync(join(this.dir, 'xml', `vm-${id}.xml`), xml); }
  setDatastore(id: number, xml: string): void { writeFileSync(join(this.dir, 'xml', `ds-${id}.xml`), xml); }
  get env(): Record<string, string> { return { PATH: `${join(this.dir, 'bin')}:${process.env.PATH}` }; }
  cleanup(): void { rmSync(this.dir, { recursive: true, force: true }); }
}
