/** Resource definitions: create (with LINSTOR's external-name derivation), modify, delete. */
import { randomBytes, randomUUID } from 'node:crypto';
import { rcEntry, type ApiCallRc } from '../../model/apicallrc.js';
import { checkDrbdSecret } from '../../model/drbd-options.js';
import { ApiError, Errors } from '../../model/errors.js';
import { nameKey, printable } from '../../model/names.js';
import type { LayerKind, ResourceDefinition, ResourceGroup } from '../../model/types.js';
import { applyPropsModify } from '../../props/modify.js';
import type { ControllerContext } from '../context.js';
import { getResourceDefinition, getResourceGroup, resourcesOf } from '../lookup.js';
import type { Transaction } from '../state/cluster-state.js';
import type * as api from '../../api/index.js';
import { applyAndReport } from './apply.js';
import { deleteResources } from './deletion.js';
import { checkLayerStack, DEFAULT_LAYER_STACK, hasDrbd } from './layers.js';
import { allocateTcpPort } from './numbers.js';
import { deleteVolumeKeys } from '../encryption/index.js';
import { DFLT_RSC_GRP } from '../../model/defaults.js';

const TRANSPORTS = ['IP', 'RDMA', 'ROCE'];
const SECRET_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A DRBD shared secret like LINSTOR's (20 characters). */
export function drbdSecret(): string {
  return [...randomBytes(20)].map((b) => SECRET_CHARS[b % SECRET_CHARS.length]).join('');
}

const RSC_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REPLACEABLE = new Set(' !@#$%^&*()+=[]{}:;"\'<>?,./~'.split(''));
const MAX_RSC_NAME = 48;

function validRscName(s: string): boolean {
  return s.length >= 2 && s.length <= MAX_RSC_NAME && RSC_NAME.test(s) && /[A-Za-z]/.test(s);
}

/**
 * LINSTOR's ExternalNameConverter: a UUID becomes "LS_<UUID>"; a valid name is used as is;
 * otherwise invalid characters are replaced or translated; a clash or failure gives
 * "LS_<random uuid>".
 */
export function deriveResourceName(ext: string, taken: (name: string) => boolean): string {
  const bytes = Buffer.from(ext, 'utf8');
  if (bytes.length > 256) {
    throw new ApiError('FAIL_INVLD_EXT_NAME', `Resource name generation failed, data input length of ${bytes.length} bytes exceeds maximum length of 256 bytes`, { correction: 'Use an external name of at most 256 bytes.' });
  }
  let name: string | undefined;
  const trunc = bytes.subarray(0, MAX_RSC_NAME).toString('latin1');
  if (UUID_RE.test(trunc)) name = `LS_${trunc.toUpperCase()}`;
  else if (validRscName(trunc)) name = trunc;
  else if (bytes.length) {
    const out = [...bytes.subarray(0, MAX_RSC_NAME)].map((b, i) => {
      const c = String.fromCharCode(b);
      if (/[A-Za-z_]/.test(c) || (i >= 1 && /[0-9-]/.test(c))) return c;
      if (REPLACEABLE.has(c)) return '_';
      const g = ((b << 24) >> 24) % 52; // Java's signed byte modulo
      const a = Math.abs(g);
      return a < 26 ? String.fromCharCode(65 + a) : String.fromCharCode(97 + a - 26);
    }).join('');
    if (validRscName(out)) name = out;
  }
  if (!name || taken(name)) name = `LS_${randomUUID()}`;
  return name;
}

function layerStackFromLayerData(layers: api.ResourceDefinitionLayer[] | undefined): LayerKind[] | undefined {
  if (layers === undefined) return undefined;
  return checkLayerStack(layers.map((l) => l.type), 'layer_data');
}

function checkTransport(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  const up = s.toUpperCase();
  if (!TRANSPORTS.includes(up)) throw new ApiError('FAIL_INVLD_TRANSPORT_TYPE', `Transport type '${printable(s)}' is invalid.`, { correction: 'Use IP, RDMA or RoCE.', obj: 'RSC_DFN' });
  return up === 'ROCE' ? 'RoCE' : up;
}

/** LINSTOR creates DfltRscGrp with its database; make sure it is there when first used. */
export function ensureDefaultGroup(ctx: ControllerContext, tx: Transaction, name: string): ResourceGroup {
  const rg = ctx.state.resourceGroups.get(nameKey(name));
  if (rg) return rg;
  if (nameKey(name) !== nameKey(DFLT_RSC_GRP)) return getResourceGroup(ctx.state, name);
  const dflt: ResourceGroup = { name: DFLT_RSC_GRP, props: {}, selectFilter: { place_count: 2 }, uuid: randomUUID() };
  tx.put(ctx.state.resourceGroups, nameKey(DFLT_RSC_GRP), dflt);
  return dflt;
}

export async function createResourceDefinition(ctx: ControllerContext, body: api.ResourceDefinitionCreate): Promise<ApiCallRc[]> {
  const { state } = ctx;
  const rb = body.resource_definition ?? {};
  const ext = rb.external_name;
  const given = rb.name || undefined;
  if (!given && !ext) throw new ApiError('FAIL_INVLD_RSC_NAME', 'Resource name is missing.', { correction: "Give 'name' or 'external_name'.", obj: 'RSC_DFN', op: 'CRT' });
  const props = { ...rb.props };
  const rgName = rb.resource_group_name || DFLT_RSC_GRP;
  const layerData = layerStackFromLayerData(rb.layer_data);
  const port = body.drbd_port;
  const peerSlots = body.drbd_peer_slots;
  // The secret is written into a quoted string of the .res file: the DRBD secret rule applies.
  const secret = body.drbd_secret === undefined || body.drbd_secret === null ? undefined : checkDrbdSecret(body.drbd_secret);
  const transport = checkTransport(body.drbd_transport_type);
  const rd = await state.mutate((tx) => {
    const name = given ?? deriveResourceName(ext!, (n) => state.resourceDefinitions.has(nameKey(n)));
    if (state.resourceDefinitions.has(nameKey(name))) throw Errors.exists('FAIL_EXISTS_RSC_DFN', 'Resource definition', name, { obj: 'RSC_DFN', op: 'CRT', objRefs: { RscDfn: name } });
    if (ext !== undefined) {
      for (const o of state.resourceDefinitions.values()) {
        if (o.externalName === ext) {
          throw new ApiError('FAIL_EXISTS_EXT_NAME', `A resource definition with the external name '${printable(ext)}' already exists.`, { obj: 'RSC_DFN', op: 'CRT', correction: 'Use another external name.', objRefs: { RscDfn: o.name } });
        }
      }
    }
    const rg = ensureDefaultGroup(ctx, tx, rgName);
    const stack = layerData ?? checkLayerStack(rg.selectFilter.layer_stack, 'layer_stack') ?? [...DEFAULT_LAYER_STACK];
    const drbd = hasDrbd(stack)
      ? { port: allocateTcpPort(state, port), secret: secret ?? drbdSecret(), peerSlots: peerSlots ?? rg.peerSlots, transportType: transport }
      : undefined;
    const def: ResourceDefinition = {
      name, externalName: ext, resourceGroup: rg.name, props, flags: [], layerStack: stack, drbd, volumeDefinitions: [], uuid: randomUUID(),
    };
    tx.put(state.resourceDefinitions, nameKey(name), def);
    return def;
  });
  return [rcEntry('CREATED', `New resource definition '${rd.name}' created.`, {
    obj: 'RSC_DFN', op: 'CRT', details: `Resource definition '${rd.name}' UUID is: ${rd.uuid}`, objRefs: { RscDfn: rd.name },
  })];
}

export async function modifyResourceDefinition(ctx: ControllerContext, rdName: string, body: api.ResourceDefinitionModify): Promise<ApiCallRc[]> {
  const { state } = ctx;
  const port = body.drbd_port;
  const peerSlots = body.drbd_peer_slots;
  const stack = checkLayerStack(body.layer_stack, 'layer_stack');
  const rgName = body.resource_group;
  const { rd, unset } = await state.mutate((tx) => {
    const cur = getResourceDefinition(state, rdName);
    const change = applyPropsModify(cur.props, body);
    const placed = resourcesOf(state, cur.name);
    if (stack && placed.length && stack.join(',') !== cur.layerStack.join(',')) {
      throw Errors.inUse(`The layer stack of resource definition '${cur.name}' cannot be changed while it has resources.`,
        `Resources exist on: ${placed.map((p) => p.nodeName).join(', ')}`, 'Delete the resources first.', { obj: 'RSC_DFN', op: 'MOD', objRefs: { RscDfn: cur.name } });
    }
    const newStack = stack ?? cur.layerStack;
    const rg = rgName ? getResourceGroup(state, rgName) : undefined;
    let drbd = cur.drbd;
    if (hasDrbd(newStack)) {
      const newPort = port !== undefined && port !== cur.drbd?.port ? allocateTcpPort(state, port, nameKey(cur.name)) : (cur.drbd?.port ?? allocateTcpPort(state));
      drbd = { ...cur.drbd, port: newPort, secret: cur.drbd?.secret ?? drbdSecret(), peerSlots: peerSlots ?? cur.drbd?.peerSlots };
    }
    const next: ResourceDefinition = { ...cur, props: change.props, layerStack: newStack, drbd, resourceGroup: rg?.name ?? cur.resourceGroup };
    tx.put(state.resourceDefinitions, nameKey(cur.name), next);
    return { rd: next, unset: change.unsetDeletes };
  });
  const rc = [rcEntry('MODIFIED', `Resource definition '${rd.name}' modified.`, {
    obj: 'RSC_DFN', op: 'MOD', details: `Resource definition '${rd.name}' UUID is: ${rd.uuid}`, objRefs: { RscDfn: rd.name },
  })];
  for (const k of unset) rc.push(rcEntry('WARN_DEL_UNSET_PROP', `Could not delete property '${k}' as it did not exist.`, { obj: 'RSC_DFN', op: 'MOD' }));
  const placed = resourcesOf(state, rd.name);
  if (placed.length) rc.push(...await applyAndReport(ctx, placed.map((p) => ({ rdName: rd.name, nodeName: p.nodeName })), 'modify'));
  return rc;
}

function hasSnapshots(ctx: ControllerContext, rdName: string): boolean {
  const prefix = `${nameKey(rdName)}/`;
  for (const [k] of ctx.state.snapshots.entries()) if (k.startsWith(prefix)) return true;
  return false;
}

export async function deleteResourceDefinition(ctx: ControllerContext, rdName: string): Promise<ApiCallRc[]> {
  const { state } = ctx;
  const found = state.resourceDefinitions.get(nameKey(rdName));
  // LINSTOR answers a warning, not an error, for a definition that is already gone.
  if (!found) return [rcEntry('WARN_NOT_FOUND', `Resource definition '${rdName}' not found.`, { obj: 'RSC_DFN', op: 'DEL', objRefs: { RscDfn: rdName } })];
  const rd = found;
  const refs = { RscDfn: rd.name };
  if (hasSnapshots(ctx, rd.name)) {
    throw new ApiError('FAIL_EXISTS_SNAPSHOT_DFN', `Cannot delete resource definition '${rd.name}' because it has snapshots.`, {
      obj: 'RSC_DFN', op: 'DEL', correction: 'Delete the snapshots of this resource definition first.', objRefs: refs,
    });
  }
  const inUse = [...resourcesOf(state, rd.name)].find((r) => ctx.runtime.resources.get(`${nameKey(r.name)}/${nameKey(r.nodeName)}`)?.inUse);
  if (inUse) {
    throw Errors.inUse(`Resource '${rd.name}' is still in use on node '${inUse.nodeName}'.`, 'The resource is opened (e.g. mounted or Primary) on that node.',
      'Un-use (unmount, demote) the resource, then delete it.', { obj: 'RSC_DFN', op: 'DEL', objRefs: { ...refs, Node: inUse.nodeName } });
  }
  await state.mutate((tx) => {
    const cur = getResourceDefinition(state, rd.name);
    if (!cur.flags.includes('DELETE')) tx.put(state.resourceDefinitions, nameKey(cur.name), { ...cur, flags: [...cur.flags, 'DELETE'] });
  });
  const rc: ApiCallRc[] = [rcEntry('DELETED', `Resource definition '${rd.name}' marked for deletion.`, { obj: 'RSC_DFN', op: 'DEL', details: `Resource definition '${rd.name}' UUID is: ${rd.uuid}`, objRefs: refs })];
  const nodes = resourcesOf(state, rd.name).map((r) => r.nodeName);
  const del = nodes.length ? await deleteResources(ctx, rd.name, nodes) : { rc: [], remaining: [] };
  rc.push(...del.rc);
  if (del.remaining.length) return rc; // a satellite refused: the definition stays, marked DELETE
  await state.mutate((tx) => {
    tx.delete(state.resourceDefinitions, nameKey(rd.name));
    deleteVolumeKeys(ctx, tx, rd.name);
    for (const [k, c] of state.resourceConnections.entries()) if (nameKey(c.resource) === nameKey(rd.name)) tx.delete(state.resourceConnections, k);
  });
  rc.push(rcEntry('DELETED', `Resource definition '${rd.name}' deleted.`, { obj: 'RSC_DFN', op: 'DEL', details: `Resource definition '${rd.name}' UUID was: ${rd.uuid}`, objRefs: refs }));
  return rc;
}
