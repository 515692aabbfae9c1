/**
 * The satellite's inbox check: every message from a controller is validated against the
 * model's own rules (names, sizes, paths, layer lists, numbers) before anything acts on it.
 * A message that breaks a rule is refused whole, so a half-valid desired state can never make
 * the reconciler treat the dropped part as orphans. Per-object checks are exported so every
 * message type (full state, incremental upserts) goes through the same rules.
 */
import { isIP } from 'node:net';
import { DRBD_SECRET } from '../../model/drbd-options.js';
import { checkLayerStack } from '../../model/layer-stack-rules.js';
import { ApiError } from '../../model/errors.js';
import { checkName, printable } from '../../model/names.js';
import type {
  ControllerMessage, DesiredDrbdPeer, DesiredNodeState, DesiredStateUpdate, DesiredResource, DesiredSnapshot, DesiredStoragePool,
  DesiredVolume, DevicePoolRequest,
} from '../../model/satellite-protocol.js';
import { checkVolumeSizeKib } from '../../model/sizes.js';
import { QOS_KINDS } from '../../model/qos.js';
import { checkAltSuffixes, checkExtFilePath, decodeContent, sha256Of } from '../../model/ext-files.js';
import { PROVIDER_KINDS, type Props } from '../../model/types.js';
import { checkFileDir, FILE_DIR_KEY } from '../../props/file-dir.js';
import { MAX_KEY_LENGTH, MAX_VALUE_LENGTH } from '../../props/keys.js';

/** Refusal of a message: `path` names the field ("state.resources[3].name"). */
export class InvalidMessageError extends ApiError {
  constructor(readonly path: string, reason: string) {
    super('FAIL_INVLD_REQUEST', `Refused a controller message: ${path} ${reason}`, {
      cause: 'The satellite checks every desired state against the model\'s rules before acting on it.',
      correction: 'Check the controller version and its logs; the satellite keeps its current state.',
    });
  }
}

const fail = (path: string, reason: string): never => { throw new InvalidMessageError(path, reason); };

/** Wraps a model check so its message names the field. */
function rule<T>(path: string, check: () => T): T {
  try { return check(); } catch (e) { return fail(path, `is invalid: ${(e as Error).message}`); }
}

function object(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'must be an object');
  return v as Record<string, unknown>;
}
function array(v: unknown, path: string, max = 1_000_000): unknown[] {
  if (!Array.isArray(v)) fail(path, 'must be a list');
  if ((v as unknown[]).length > max) fail(path, `has more than ${max} entries`);
  return v as unknown[];
}
function int(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(path, `must be an integer from ${min} to ${max}, not ${printable(v)}`);
  return v as number;
}
function bool(v: unknown, path: string): void {
  if (v !== undefined && typeof v !== 'boolean') fail(path, 'must be true or false');
}
function text(v: unknown, path: string, max: number, pattern?: RegExp): string {
  if (typeof v !== 'string' || v.length > max || v.includes('\u0000') || (pattern && !pattern.test(v))) fail(path, `is not an acceptable value: '${printable(v)}'`);
  return v as string;
}
function optional<T>(v: unknown, check: (x: unknown) => T): T | undefined {
  return v === undefined || v === null ? undefined : check(v);
}

const FLAG = /^[A-Z][A-Z0-9_]{0,63}$/;
/** A device node below /dev; no '.' or '..' segment can lead elsewhere. */
const DEVICE_PATH = /^\/dev(\/(?!\.\.?(\/|$))[A-Za-z0-9_.:-]+)+$/;
/** Ids, nonces and proofs of the pairing handshake (core/model/pairing.ts). */
const TOKEN = /^[A-Za-z0-9+/=_-]{1,256}$/;
const TOOL_ARG = /^[^\u0000-\u001f]{0,4096}$/;

export function checkProps(v: unknown, path: string): Props {
  const props = object(v, path);
  for (const [k, val] of Object.entries(props)) {
    if (k.length === 0 || k.length > MAX_KEY_LENGTH) fail(`${path}`, `has an invalid key '${printable(k)}'`);
    text(val, `${path}['${printable(k)}']`, MAX_VALUE_LENGTH);
    if (k === FILE_DIR_KEY) rule(`${path}['${k}']`, () => checkFileDir(val));
  }
  return props as Props;
}

function flags(v: unknown, path: string): void {
  array(v, path, 64).forEach((f, i) => text(f, `${path}[${i}]`, 64, FLAG));
}

function address(v: unknown, path: string): void {
  if (typeof v !== 'string' || isIP(v) === 0) fail(path, `must be an IP address, not '${printable(v)}'`);
}

function netInterfaces(v: unknown, path: string): void {
  for (const [name, ip] of Object.entries(object(v, path))) {
    rule(`${path} key`, () => checkName('net-interface', name));
    address(ip, `${path}.${name}`);
  }
}

export function checkDesiredStoragePool(v: unknown, path = 'storagePool'): DesiredStoragePool {
  const p = object(v, path);
  rule(`${path}.name`, () => checkName('storage-pool', p.name));
  if (!(PROVIDER_KINDS as readonly unknown[]).includes(p.providerKind)) fail(`${path}.providerKind`, `is not a provider kind: '${printable(p.providerKind)}'`);
  checkProps(p.props, `${path}.props`);
  if ((p.providerKind === 'FILE' || p.providerKind === 'FILE_THIN') && (p.props as Props)[FILE_DIR_KEY] !== undefined) {
    rule(`${path}.props['${FILE_DIR_KEY}']`, () => checkFileDir((p.props as Props)[FILE_DIR_KEY]));
  }
  optional(p.sharedSpace, (x) => text(x, `${path}.sharedSpace`, 64, /^[A-Za-z0-9_][A-Za-z0-9_.:+-]*$/));
  optional(p.externalLocking, (x) => bool(x, `${path}.externalLocking`));
  return p as unknown as DesiredStoragePool;
}

function checkVolume(v: unknown, path: string): DesiredVolume {
  const vol = object(v, path);
  int(vol.volumeNumber, `${path}.volumeNumber`, 0, 65535);
  rule(`${path}.sizeKib`, () => checkVolumeSizeKib(vol.sizeKib));
  rule(`${path}.storagePool`, () => checkName('storage-pool', vol.storagePool));
  checkProps(vol.props, `${path}.props`);
  optional(vol.minorNumber, (m) => int(m, `${path}.minorNumber`, 0, 1048575));
  optional(vol.luks, (l) => text(object(l, `${path}.luks`).key, `${path}.luks.key`, 4096));
  optional(vol.qos, (q) => {
    for (const [kind, limit] of Object.entries(object(q, `${path}.qos`))) {
      if (!(QOS_KINDS as string[]).includes(kind)) fail(`${path}.qos`, `has an unknown limit '${printable(kind)}'`);
      text(limit, `${path}.qos.${kind}`, 19, /^\d+$/);
    }
  });
  optional(vol.keepShared, (x) => bool(x, `${path}.keepShared`));
  return vol as unknown as DesiredVolume;
}

function checkPeer(v: unknown, path: string): DesiredDrbdPeer {
  const p = object(v, path);
  rule(`${path}.nodeName`, () => checkName('node', p.nodeName));
  int(p.nodeId, `${path}.nodeId`, 0, 31);
  address(p.address, `${path}.address`);
  int(p.port, `${path}.port`, 1, 65535);
  bool(p.diskless, `${path}.diskless`);
  checkProps(p.connectionProps, `${path}.connectionProps`);
  optional(p.hostName, (h) => rule(`${path}.hostName`, () => checkName('node', h)));
  optional(p.netInterfaces, (n) => netInterfaces(n, `${path}.netInterfaces`));
  optional(p.flags, (f) => flags(f, `${path}.flags`));
  optional(p.proxy, (x) => int(object(x, `${path}.proxy`).port, `${path}.proxy.port`, 1, 65535));
  return p as unknown as DesiredDrbdPeer;
}

export function checkDesiredResource(v: unknown, path = 'resource'): DesiredResource {
  const r = object(v, path);
  rule(`${path}.name`, () => checkName('resource', r.name));
  const stack = array(r.layerStack, `${path}.layerStack`, 8);
  if (stack.length) rule(`${path}.layerStack`, () => checkLayerStack(stack));
  flags(r.flags, `${path}.flags`);
  checkProps(r.props, `${path}.props`);
  const numbers = new Set<number>();
  array(r.volumes, `${path}.volumes`, 65536).forEach((x, i) => {
    const vol = checkVolume(x, `${path}.volumes[${i}]`);
    if (numbers.has(vol.volumeNumber)) fail(`${path}.volumes[${i}].volumeNumber`, `repeats volume number ${vol.volumeNumber}`);
    numbers.add(vol.volumeNumber);
  });
  optional(r.drbd, (d) => {
    const drbd = object(d, `${path}.drbd`);
    int(drbd.nodeId, `${path}.drbd.nodeId`, 0, 31);
    int(drbd.port, `${path}.drbd.port`, 1, 65535);
    optional(drbd.secret, (s) => text(s, `${path}.drbd.secret`, 64, DRBD_SECRET));
    int(drbd.peerSlots, `${path}.drbd.peerSlots`, 1, 31);
    array(drbd.peers, `${path}.drbd.peers`, 31).forEach((p, i) => checkPeer(p, `${path}.drbd.peers[${i}]`));
    optional(drbd.address, (a) => address(a, `${path}.drbd.address`));
    optional(drbd.hostName, (h) => rule(`${path}.drbd.hostName`, () => checkName('node', h)));
    optional(drbd.netInterfaces, (n) => netInterfaces(n, `${path}.drbd.netInterfaces`));
    optional(drbd.alStripes, (n) => int(n, `${path}.drbd.alStripes`, 1, 1024));
    optional(drbd.alStripeSizeKib, (n) => int(n, `${path}.drbd.alStripeSizeKib`, 4, 1024 * 1024));
  });
  return r as unknown as DesiredResource;
}

export function checkDesiredSnapshot(v: unknown, path = 'snapshot'): DesiredSnapshot {
  const s = object(v, path);
  rule(`${path}.resource`, () => checkName('resource', s.resource));
  rule(`${path}.name`, () => checkName('snapshot', s.name));
  array(s.volumes, `${path}.volumes`, 65536).forEach((x, i) => {
    const vol = object(x, `${path}.volumes[${i}]`);
    int(vol.volumeNumber, `${path}.volumes[${i}].volumeNumber`, 0, 65535);
    rule(`${path}.volumes[${i}].storagePool`, () => checkName('storage-pool', vol.storagePool));
    rule(`${path}.volumes[${i}].sizeKib`, () => checkVolumeSizeKib(vol.sizeKib));
  });
  bool(s.take, `${path}.take`);
  bool(s.rollback, `${path}.rollback`);
  bool(s.suspendIo, `${path}.suspendIo`);
  return s as unknown as DesiredSnapshot;
}

/** LINSTOR names are case-insensitive: one list may not hold a name twice. */
function uniqueNames(kind: string, names: string[], p: string): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n.toUpperCase())) fail(p, `names ${kind} '${n}' twice`);
    seen.add(n.toUpperCase());
  }
}

export function checkDesiredNodeState(v: unknown, path = 'state'): DesiredNodeState {
  const s = object(v, path);
  rule(`${path}.nodeName`, () => checkName('node', s.nodeName));
  checkProps(s.props, `${path}.props`);
  const pools = array(s.storagePools, `${path}.storagePools`, 4096).map((p, i) => checkDesiredStoragePool(p, `${path}.storagePools[${i}]`));
  uniqueNames('storage pool', pools.map((p) => p.name), `${path}.storagePools`);
  const resources = array(s.resources, `${path}.resources`).map((r, i) => checkDesiredResource(r, `${path}.resources[${i}]`));
  uniqueNames('resource', resources.map((r) => r.name), `${path}.resources`);
  optional(s.snapshots, (x) => array(x, `${path}.snapshots`).forEach((snap, i) => checkDesiredSnapshot(snap, `${path}.snapshots[${i}]`)));
  optional(s.extFiles, (x) => checkExtFiles(x, `${path}.extFiles`));
  return s as unknown as DesiredNodeState;
}

/** An incremental update: the same rules as a full state for every part it carries. */
export function checkDesiredStateUpdate(v: unknown, path = 'update'): DesiredStateUpdate {
  const u = object(v, path);
  int(u.base, `${path}.base`, 0, Number.MAX_SAFE_INTEGER);
  optional(u.storagePools, (x) => {
    const pools = array(x, `${path}.storagePools`, 4096).map((p, i) => checkDesiredStoragePool(p, `${path}.storagePools[${i}]`));
    uniqueNames('storage pool', pools.map((p) => p.name), `${path}.storagePools`);
  });
  optional(u.resources, (x) => {
    const resources = array(x, `${path}.resources`).map((r, i) => checkDesiredResource(r, `${path}.resources[${i}]`));
    uniqueNames('resource', resources.map((r) => r.name), `${path}.resources`);
  });
  optional(u.removed, (x) => array(x, `${path}.removed`).forEach((n, i) => rule(`${path}.removed[${i}]`, () => checkName('resource', n))));
  optional(u.snapshots, (x) => array(x, `${path}.snapshots`).forEach((e, i) => {
    const entry = object(e, `${path}.snapshots[${i}]`);
    rule(`${path}.snapshots[${i}].resource`, () => checkName('resource', entry.resource));
    array(entry.snapshots, `${path}.snapshots[${i}].snapshots`).forEach((snap, j) => checkDesiredSnapshot(snap, `${path}.snapshots[${i}].snapshots[${j}]`));
  }));
  optional(u.extFiles, (x) => checkExtFiles(x, `${path}.extFiles`));
  return u as unknown as DesiredStateUpdate;
}

/** External files: the same path and content rules as the controller's REST edge. */
function checkExtFiles(v: unknown, path: string): void {
  const seen = new Set<string>();
  array(v, path, 4096).forEach((e, i) => {
    const f = object(e, `${path}[${i}]`);
    const p = rule(`${path}[${i}].path`, () => checkExtFilePath(f.path));
    if (seen.has(p)) fail(`${path}[${i}].path`, `names '${p}' twice`);
    seen.add(p);
    const content = rule(`${path}[${i}].content`, () => decodeContent(f.content));
    text(f.sha256, `${path}[${i}].sha256`, 64, /^[0-9a-f]{64}$/);
    if (sha256Of(content) !== f.sha256) fail(`${path}[${i}].sha256`, 'does not match the content');
    rule(`${path}[${i}].altSuffixes`, () => checkAltSuffixes(f.altSuffixes));
  });
}

export function checkDevicePoolRequest(v: unknown, path = 'request'): DevicePoolRequest {
  const r = object(v, path);
  if (!['LVM', 'LVM_THIN', 'ZFS', 'ZFS_THIN'].includes(r.providerKind as string)) fail(`${path}.providerKind`, `is not LVM, LVM_THIN, ZFS or ZFS_THIN: '${printable(r.providerKind)}'`);
  text(r.poolName, `${path}.poolName`, 64);
  array(r.devicePaths, `${path}.devicePaths`, 256).forEach((d, i) => text(d, `${path}.devicePaths[${i}]`, 4096, DEVICE_PATH));
  for (const k of ['pvCreateArguments', 'vgCreateArguments', 'lvCreateArguments', 'zpoolCreateArguments']) {
    optional(r[k], (a) => array(a, `${path}.${k}`, 64).forEach((w, i) => text(w, `${path}.${k}[${i}]`, 4096, TOOL_ARG)));
  }
  return r as unknown as DevicePoolRequest;
}

const S3_KEY = /^[A-Za-z0-9_.^-]{1,1024}$/;
const SHA256 = /^[0-9a-f]{64}$/;
/** Backups of ZFS/LVM_THIN (native streams) carry no image checksum: empty. */
const SHA256_OR_NONE = /^([0-9a-f]{64})?$/;

function checkS3(v: unknown, path: string): void {
  const s = object(v, path);
  text(s.endpoint, `${path}.endpoint`, 1024, /^https?:\/\/[^\u0000-\u0020]+$/);
  text(s.bucket, `${path}.bucket`, 63, /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/);
  text(s.region, `${path}.region`, 1024, TOOL_ARG);
  bool(s.usePathStyle, `${path}.usePathStyle`);
  text(s.accessKey, `${path}.accessKey`, 1024, TOOL_ARG);
  text(s.secretKey, `${path}.secretKey`, 1024, TOOL_ARG);
}

function backupCommon(r: Record<string, unknown>, path: string): void {
  text(r.jobId, `${path}.jobId`, 128, TOKEN);
  checkS3(r.s3, `${path}.s3`);
  rule(`${path}.resource`, () => checkName('resource', r.resource));
  rule(`${path}.snapshot`, () => checkName('snapshot', r.snapshot));
}

function vlm(v: Record<string, unknown>, path: string): void {
  int(v.volumeNumber, `${path}.volumeNumber`, 0, 65535);
  rule(`${path}.storagePool`, () => checkName('storage-pool', v.storagePool));
}

export function checkBackupUpload(v: unknown, path = 'request'): void {
  const r = object(v, path);
  backupCommon(r, path);
  optional(r.baseSnapshot, (b) => rule(`${path}.baseSnapshot`, () => checkName('snapshot', b)));
  array(r.volumes, `${path}.volumes`, 4096).forEach((x, i) => {
    const o = object(x, `${path}.volumes[${i}]`);
    vlm(o, `${path}.volumes[${i}]`);
    text(o.key, `${path}.volumes[${i}].key`, 1024, S3_KEY);
  });
}

export function checkBackupDownload(v: unknown, path = 'request'): void {
  const r = object(v, path);
  backupCommon(r, path);
  array(r.volumes, `${path}.volumes`, 4096).forEach((x, i) => {
    const p = `${path}.volumes[${i}]`;
    const o = object(x, p);
    vlm(o, p);
    int(o.sizeBytes, `${p}.sizeBytes`, 0, Number.MAX_SAFE_INTEGER);
    text(o.imageSha256, `${p}.imageSha256`, 64, SHA256_OR_NONE);
    array(o.chain, `${p}.chain`, 10_000).forEach((c, j) => {
      const co = object(c, `${p}.chain[${j}]`);
      text(co.key, `${p}.chain[${j}].key`, 1024, S3_KEY);
      text(co.sha256, `${p}.chain[${j}].sha256`, 64, SHA256);
    });
  });
}

const IPV4 = /^(\d{1,3}\.){3}\d{1,3}$|^[0-9a-fA-F:]{2,45}$/;

export function checkShipping(type: string, v: unknown, path = 'request'): void {
  const r = object(v, path);
  text(r.jobId, `${path}.jobId`, 128, TOKEN);
  if (type === 'backup-receive-commit') {
    array(r.volumes, `${path}.volumes`, 4096).forEach((x, i) => {
      const o = object(x, `${path}.volumes[${i}]`);
      int(o.volumeNumber, `${path}.volumes[${i}].volumeNumber`, 0, 65535);
      text(o.sha256, `${path}.volumes[${i}].sha256`, 64, SHA256);
      text(o.imageSha256, `${path}.volumes[${i}].imageSha256`, 64, SHA256);
    });
    return;
  }
  rule(`${path}.resource`, () => checkName('resource', r.resource));
  rule(`${path}.snapshot`, () => checkName('snapshot', r.snapshot));
  optional(r.baseSnapshot, (b) => rule(`${path}.baseSnapshot`, () => checkName('snapshot', b)));
  if (type === 'backup-receive') {
    text(r.token, `${path}.token`, 128, TOKEN);
    text(r.bindAddress, `${path}.bindAddress`, 45, IPV4);
    optional(r.ports, (x) => {
      const p = object(x, `${path}.ports`);
      const from = int(p.from, `${path}.ports.from`, 1, 65535);
      int(p.to, `${path}.ports.to`, from, 65535);
    });
  } else {
    const t = object(r.target, `${path}.target`);
    text(t.address, `${path}.target.address`, 45, IPV4);
    int(t.port, `${path}.target.port`, 1, 65535);
    text(t.token, `${path}.target.token`, 128, TOKEN);
  }
  array(r.volumes, `${path}.volumes`, 4096).forEach((x, i) => {
    const o = object(x, `${path}.volumes[${i}]`);
    vlm(o, `${path}.volumes[${i}]`);
    if (type === 'backup-receive') int(o.sizeBytes, `${path}.volumes[${i}].sizeBytes`, 0, Number.MAX_SAFE_INTEGER);
  });
}

/** Checks one parsed line from a controller; returns it typed, or throws InvalidMessageError. */
export function checkControllerMessage(v: unknown): ControllerMessage {
  const m = object(v, 'message');
  switch (m.type) {
    case 'hello':
      text(m.version, 'message.version', 32, /^\d+\.\d+(\.\d+)?$/);
      text(m.controllerId, 'message.controllerId', 256);
      if (m.nodeName !== '') optional(m.nodeName, (n) => rule('message.nodeName', () => checkName('node', n)));
      optional(m.clusterId, (v) => text(v, 'message.clusterId', 128, TOKEN));
      optional(m.nonce, (v) => text(v, 'message.nonce', 128, TOKEN));
      break;
    case 'auth':
      text(m.proof, 'message.proof', 256, TOKEN);
      break;
    case 'apply':
      int(m.seq, 'message.seq', 0, Number.MAX_SAFE_INTEGER);
      checkDesiredNodeState(m.state);
      break;
    case 'update':
      int(m.seq, 'message.seq', 0, Number.MAX_SAFE_INTEGER);
      checkDesiredStateUpdate(m.update);
      break;
    case 'ping':
      optional(m.seq, (n) => int(n, 'message.seq', 0, Number.MAX_SAFE_INTEGER));
      break;
    case 'pong': break;
    case 'error-report-ack':
      array(m.ids, 'message.ids', 1000).forEach((id, i) => text(id, `message.ids[${i}]`, 64, TOKEN));
      break;
    case 'physical-storage-list':
      int(m.reqId, 'message.reqId', 0, Number.MAX_SAFE_INTEGER);
      break;
    case 'log-level':
      int(m.reqId, 'message.reqId', 0, Number.MAX_SAFE_INTEGER);
      optional(m.level, (l) => { if (!['error', 'warn', 'info', 'debug', 'trace'].includes(l as string)) fail('message.level', `is not error, warn, info, debug or trace: '${printable(l)}'`); });
      break;
    case 'create-device-pool':
      int(m.reqId, 'message.reqId', 0, Number.MAX_SAFE_INTEGER);
      checkDevicePoolRequest(m.request);
      break;
    case 'backup-upload':
      int(m.reqId, 'message.reqId', 0, Number.MAX_SAFE_INTEGER);
      checkBackupUpload(m.request);
      break;
    case 'backup-download':
      int(m.reqId, 'message.reqId', 0, Number.MAX_SAFE_INTEGER);
      checkBackupDownload(m.request);
      break;
    case 'backup-abort':
      int(m.reqId, 'message.reqId', 0, Number.MAX_SAFE_INTEGER);
      text(m.jobId, 'message.jobId', 128, TOKEN);
      break;
    case 'sos-report':
      int(m.reqId, 'message.reqId', 0, Number.MAX_SAFE_INTEGER);
      if (typeof m.request !== 'object' || m.request === null || Array.isArray(m.request)) fail('message.request', 'is not an object');
      optional((m.request as Record<string, unknown>).since, (n) => int(n, 'message.request.since', 0, Number.MAX_SAFE_INTEGER));
      break;
    case 'backup-receive':
    case 'backup-receive-commit':
    case 'backup-send':
      int(m.reqId, 'message.reqId', 0, Number.MAX_SAFE_INTEGER);
      checkShipping(m.type, m.request);
      break;
    case 'ext-file-check':
    case 'ext-file-status':
      int(m.reqId, 'message.reqId', 0, Number.MAX_SAFE_INTEGER);
      rule('message.path', () => checkExtFilePath(m.path));
      if (m.type === 'ext-file-status') {
        text(m.sha256, 'message.sha256', 64, /^[0-9a-f]{64}$/);
        rule('message.altSuffixes', () => checkAltSuffixes(m.altSuffixes));
      }
      break;
    default:
      fail('message.type', `is not a message this satellite knows: '${printable(m.type)}'`);
  }
  return m as unknown as ControllerMessage;
}
