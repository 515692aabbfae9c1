/**
 * Backup remotes: S3 buckets and other LINSTOR clusters. Secrets are sealed under the master
 * key when they arrive and opened only to hand them to a satellite (or the controller's own
 * S3 client) for one operation; lists and logs never carry them.
 */
import type * as api from '../../api/index.js';
import type { LinstorRemoteRow, Remote, S3RemoteRow, S3Target, SealedSecret } from '../../model/backup.js';
import { ApiError, Errors } from '../../model/errors.js';
import { checkName, nameKey } from '../../model/names.js';
import { openSecret, sealSecret } from '../encryption/index.js';
import type { ControllerContext } from '../context.js';

const REMOTE = { obj: 'REMOTE' as const };
const aad = (name: string, field: string): string => `REMOTE/${nameKey(name)}/${field}`;

export function getRemote(ctx: ControllerContext, name: string): Remote {
  const r = ctx.state.remotes.get(nameKey(String(name)));
  if (!r) throw Errors.notFound('FAIL_NOT_FOUND_REMOTE', 'Remote', String(name), { ...REMOTE, objRefs: { Remote: String(name) } });
  return r;
}

export function getS3Remote(ctx: ControllerContext, name: string): S3RemoteRow {
  const r = getRemote(ctx, name);
  if (r.kind !== 'S3') throw new ApiError('FAIL_INVLD_REMOTE_NAME', `Remote '${r.name}' is a ${r.kind} remote, not an S3 remote.`, { ...REMOTE, correction: 'Name an S3 remote (linstor remote list).' });
  return r;
}

/** The remote's bucket with its keys in clear, for one operation. */
export function s3Target(ctx: ControllerContext, r: S3RemoteRow): S3Target {
  const what = `Cannot use the keys of S3 remote '${r.name}'`;
  return {
    endpoint: r.endpoint, bucket: r.bucket, region: r.region, usePathStyle: r.usePathStyle,
    accessKey: openSecret(ctx, what, aad(r.name, 'access_key'), r.accessKey as never),
    secretKey: openSecret(ctx, what, aad(r.name, 'secret_key'), r.secretKey as never),
  };
}

function text(v: unknown, field: string, required: boolean): string | undefined {
  if (v === undefined || v === null || v === '') {
    if (required) throw new ApiError('FAIL_INVLD_BACKUP_CONFIG', `The remote's ${field} is missing.`, { ...REMOTE, correction: `Give the ${field}.` });
    return undefined;
  }
  const s = String(v);
  if (s.length > 1024 || /[\u0000-\u001f]/.test(s)) throw new ApiError('FAIL_INVLD_BACKUP_CONFIG', `The remote's ${field} is not valid text.`, { ...REMOTE, correction: `Give a printable ${field} of at most 1024 characters.` });
  return s;
}

/** LINSTOR accepts an endpoint without a scheme ("s3.us-west-2.amazonaws.com"): https is meant. */
function endpoint(v: unknown): string {
  const s = text(v, 'endpoint', true)!;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? s : `https://${s}`;
  let u: URL;
  try { u = new URL(withScheme); } catch { throw new ApiError('FAIL_INVLD_BACKUP_CONFIG', `S3 endpoint '${s}' is not a URL.`, { ...REMOTE, correction: 'Give a host name or an http(s) URL.' }); }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ApiError('FAIL_INVLD_BACKUP_CONFIG', `S3 endpoint '${s}' must use http or https.`, { ...REMOTE, correction: 'Give a host name or an http(s) URL.' });
  return withScheme.replace(/\/+$/, '');
}

/** S3's bucket naming rules (3–63 lower-case letters, digits, dots, hyphens). */
function bucket(v: unknown): string {
  const s = text(v, 'bucket', true)!;
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(s)) throw new ApiError('FAIL_INVLD_BACKUP_CONFIG', `Bucket name '${s}' is not a valid S3 bucket name.`, { ...REMOTE, correction: 'Use 3 to 63 lower-case letters, digits, dots and hyphens.' });
  return s;
}

function linstorUrl(v: unknown): string {
  const s = text(v, 'url', true)!;
  const withScheme = /^[a-z]+:\/\//i.test(s) ? s : `http://${s}`;
  let u: URL;
  try { u = new URL(withScheme); } catch { throw new ApiError('FAIL_INVLD_BACKUP_CONFIG', `'${s}' is not a URL.`, { ...REMOTE, correction: 'Give the other controller as host[:port] or an http(s) URL.' }); }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ApiError('FAIL_INVLD_BACKUP_CONFIG', `LINSTOR remote URL '${s}' must use http or https.`, { ...REMOTE, correction: 'Give an http(s) URL.' });
  if (!u.port) u.port = u.protocol === 'https:' ? '3371' : '3370';
  return u.toString().replace(/\/+$/, '');
}

function exists(ctx: ControllerContext, name: string): ApiError | undefined {
  const old = ctx.state.remotes.get(nameKey(name));
  return old ? Errors.exists('FAIL_EXISTS_REMOTE', 'Remote', old.name, { ...REMOTE, op: 'CRT', objRefs: { Remote: old.name } }) : undefined;
}

export async function createS3Remote(ctx: ControllerContext, b: api.S3Remote): Promise<S3RemoteRow> {
  const name = checkName('remote', b.remote_name);
  const fields = { endpoint: endpoint(b.endpoint), bucket: bucket(b.bucket), region: text(b.region, 'region', true)! };
  const access = text(b.access_key, 'access key', true)!;
  const secret = text(b.secret_key, 'secret key', true)!;
  const e = exists(ctx, name);
  if (e) throw e;
  const what = `Cannot store the keys of S3 remote '${name}'`;
  const row: S3RemoteRow = {
    kind: 'S3', name, ...fields, usePathStyle: b.use_path_style === true,
    accessKey: sealSecret(ctx, what, aad(name, 'access_key'), access), secretKey: sealSecret(ctx, what, aad(name, 'secret_key'), secret),
  };
  await ctx.state.mutate((tx) => { const again = exists(ctx, name); if (again) throw again; tx.put(ctx.state.remotes, nameKey(name), row); });
  return row;
}

export async function modifyS3Remote(ctx: ControllerContext, name: string, b: api.S3Remote): Promise<S3RemoteRow> {
  const old = getS3Remote(ctx, name);
  const what = `Cannot store the keys of S3 remote '${old.name}'`;
  const seal = (v: unknown, field: string, cur: SealedSecret): SealedSecret => {
    const s = text(v, field.replace('_', ' '), false);
    return s === undefined ? cur : sealSecret(ctx, what, aad(old.name, field), s);
  };
  const row: S3RemoteRow = {
    ...old,
    ...(b.endpoint !== undefined ? { endpoint: endpoint(b.endpoint) } : {}),
    ...(b.bucket !== undefined ? { bucket: bucket(b.bucket) } : {}),
    ...(b.region !== undefined ? { region: text(b.region, 'region', true)! } : {}),
    ...(b.use_path_style !== undefined ? { usePathStyle: b.use_path_style === true } : {}),
    accessKey: seal(b.access_key, 'access_key', old.accessKey), secretKey: seal(b.secret_key, 'secret_key', old.secretKey),
  };
  await ctx.state.mutate((tx) => tx.put(ctx.state.remotes, nameKey(old.name), row));
  return row;
}

export async function createLinstorRemote(ctx: ControllerContext, b: api.LinstorRemote): Promise<LinstorRemoteRow> {
  const name = checkName('remote', b.remote_name);
  const url = linstorUrl(b.url);
  const clusterId = text(b.cluster_id, 'cluster id', false);
  const pass = text(b.passphrase, 'passphrase', false);
  const e = exists(ctx, name);
  if (e) throw e;
  const row: LinstorRemoteRow = {
    kind: 'LINSTOR', name, url, ...(clusterId ? { clusterId } : {}),
    ...(pass ? { passphrase: sealSecret(ctx, `Cannot store the passphrase of LINSTOR remote '${name}'`, aad(name, 'passphrase'), pass) } : {}),
  };
  await ctx.state.mutate((tx) => { const again = exists(ctx, name); if (again) throw again; tx.put(ctx.state.remotes, nameKey(name), row); });
  return row;
}

export async function modifyLinstorRemote(ctx: ControllerContext, name: string, b: api.LinstorRemote): Promise<LinstorRemoteRow> {
  const old = getRemote(ctx, name);
  if (old.kind !== 'LINSTOR') throw new ApiError('FAIL_INVLD_REMOTE_NAME', `Remote '${old.name}' is a ${old.kind} remote, not a LINSTOR remote.`, { ...REMOTE, correction: 'Name a LINSTOR remote (linstor remote list).' });
  const pass = text(b.passphrase, 'passphrase', false);
  const clusterId = text(b.cluster_id, 'cluster id', false);
  const row: LinstorRemoteRow = {
    ...old,
    ...(b.url !== undefined ? { url: linstorUrl(b.url) } : {}),
    ...(clusterId ? { clusterId } : {}),
    ...(pass ? { passphrase: sealSecret(ctx, `Cannot store the passphrase of LINSTOR remote '${old.name}'`, aad(old.name, 'passphrase'), pass) } : {}),
  };
  await ctx.state.mutate((tx) => tx.put(ctx.state.remotes, nameKey(old.name), row));
  return row;
}

/** Refused while a schedule is enabled for it (LINSTOR refuses too: the schedule would fail). */
export async function deleteRemote(ctx: ControllerContext, name: string, inUse: (remote: string) => string | undefined): Promise<Remote> {
  const r = getRemote(ctx, name);
  const user = inUse(r.name);
  if (user) throw Errors.inUse(`Remote '${r.name}' is still used by ${user}.`, 'A backup schedule is enabled for this remote.', 'Disable or delete the schedule first (linstor backup schedule disable/delete).', { ...REMOTE, op: 'DEL' });
  await ctx.state.mutate((tx) => tx.delete(ctx.state.remotes, nameKey(r.name)));
  return r;
}

/** LINSTOR's list shapes: no secret ever. */
export function s3View(r: S3RemoteRow): api.S3Remote {
  return { remote_name: r.name, endpoint: r.endpoint, bucket: r.bucket, region: r.region, use_path_style: r.usePathStyle };
}

export function linstorView(r: LinstorRemoteRow): api.LinstorRemote {
  return { remote_name: r.name, url: r.url, ...(r.clusterId ? { cluster_id: r.clusterId } : {}) };
}
