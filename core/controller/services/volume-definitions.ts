/** Volume definitions: create (lowest free number, DRBD minor), resize (grow only once deployed), delete. */
import { randomUUID } from 'node:crypto';
import { rcEntry, type ApiCallRc } from '../../model/apicallrc.js';
import { ApiError } from '../../model/errors.js';
import { nameKey, printable } from '../../model/names.js';
import type { Resource, ResourceDefinition, VolumeDefinition } from '../../model/types.js';
import { volumeStoragePool } from '../state/volume-pool.js';
import { checkVolumeSizeKib } from '../../model/sizes.js';
import { effectiveFreeKib } from '../../placement/index.js';
import { applyPropsModify } from '../../props/modify.js';
import type { ControllerContext } from '../context.js';
import { getResourceDefinition, getVolumeDefinition, resourcesOf, storagePoolKey } from '../lookup.js';
import type * as api from '../../api/index.js';
import { applyAndReport } from './apply.js';
import { deleteVolumeKeys } from '../encryption/index.js';
import { hasDrbd } from './layers.js';
import { ensureVolumeKeysInTx } from './volume-keys.js';
import { allocateMinor } from './numbers.js';

export const MAX_VOLUME_NUMBER = 65535;
const VD_FLAGS = ['ENCRYPTED', 'GROSS_SIZE'];

function vdDesc(rd: string, nr: number): string {
  return `volume definition with number '${nr}' of resource definition '${rd}'`;
}
const cap = (s: string): string => s[0]!.toUpperCase() + s.slice(1);

function checkFlags(raw: string[] | undefined, allowRemove: boolean): { add: string[]; remove: string[] } {
  const add: string[] = [];
  const remove: string[] = [];
  for (const f of raw ?? []) {
    const s = String(f).toUpperCase();
    const neg = allowRemove && s.startsWith('-');
    const name = neg ? s.slice(1) : s;
    if (!VD_FLAGS.includes(name)) throw new ApiError('API_CALL_PARSE_ERROR', `Unknown volume definition flag '${printable(f)}'.`, { correction: `Use ${VD_FLAGS.join(' or ')}${allowRemove ? ' (prefix with "-" to remove)' : ''}.` });
    (neg ? remove : add).push(name);
  }
  return { add, remove };
}

/** Diskful resources of the definition, with the pool each volume sits in. */
function checkGrowth(ctx: ControllerContext, rd: ResourceDefinition, vlmNr: number, deltaKib: number, poolOf: (r: Resource) => string | undefined = (r) => r.volumes[String(vlmNr)]?.storagePool): void {
  for (const r of resourcesOf(ctx.state, rd.name)) {
    const pool = poolOf(r);
    if (!pool) continue;
    const sp = ctx.state.storagePools.get(storagePoolKey(r.nodeName, pool));
    const rep = ctx.runtime.pools.get(storagePoolKey(r.nodeName, pool));
    if (!sp || !rep || sp.providerKind === 'DISKLESS') continue;
    const free = effectiveFreeKib({ name: sp.name, nodeName: r.nodeName, providerKind: sp.providerKind, freeKib: rep.freeCapacityKib, totalKib: rep.totalCapacityKib, props: sp.props, reservedKib: 0 }, ctx.state.ctrlProps);
    if (free !== undefined && deltaKib > free) {
      throw new ApiError('FAIL_INVLD_VLM_SIZE', `Not enough free space available for volume ${vlmNr} of resource '${rd.name}'.`, {
        obj: 'VLM_DFN', op: 'MOD', cause: `Storage pool '${sp.name}' on node '${r.nodeName}' can take ${free} KiB more; growing needs ${deltaKib} KiB.`,
        correction: 'Grow by less, or add space to the pool.', objRefs: { RscDfn: rd.name, Node: r.nodeName, StorPool: sp.name },
      });
    }
  }
}

export async function createVolumeDefinition(ctx: ControllerContext, rdName: string, body: api.VolumeDefinitionCreate): Promise<ApiCallRc[]> {
  const { state } = ctx;
  const vb: Partial<api.VolumeDefinition> = body.volume_definition ?? {};
  // Without a volume_definition LINSTOR reads size 0: the size rule refuses it.
  const size = checkVolumeSizeKib(vb.size_kib);
  const wantedNr = vb.volume_number;
  const props = { ...vb.props };
  const flags = checkFlags(vb.flags, false).add;
  const minor = body.drbd_minor_number;
  const { rd, vd } = await state.mutate((tx) => {
    const cur = getResourceDefinition(state, rdName);
    const used = new Set(cur.volumeDefinitions.map((x) => x.volumeNumber));
    let nr = wantedNr as number | undefined;
    if (nr === undefined) { nr = 0; while (used.has(nr)) nr++; }
    if (used.has(nr)) {
      throw new ApiError('FAIL_EXISTS_VLM_DFN', `A volume definition with the number ${nr} already exists in resource definition '${cur.name}'.`, {
        obj: 'VLM_DFN', op: 'CRT', correction: 'Use another volume number, or leave it out to get the lowest free one.', objRefs: { RscDfn: cur.name, VlmNr: String(nr) },
      });
    }
    if (nr > MAX_VOLUME_NUMBER) throw new ApiError('FAIL_POOL_EXHAUSTED_VLM_NR', 'No free volume number.', { obj: 'VLM_DFN', op: 'CRT' });
    const def: VolumeDefinition = {
      volumeNumber: nr, sizeKib: size, props, flags, uuid: randomUUID(),
      minorNumber: hasDrbd(cur.layerStack) || minor !== undefined ? allocateMinor(state, minor) : undefined,
    };
    const placed = resourcesOf(state, cur.name);
    const poolOf = (r: Resource): string => Object.values(r.volumes)[0]?.storagePool ?? volumeStoragePool(state, r, cur, def);
    checkGrowth(ctx, cur, nr, size, poolOf);
    const next: ResourceDefinition = { ...cur, volumeDefinitions: [...cur.volumeDefinitions, def].sort((a, b) => a.volumeNumber - b.volumeNumber) };
    tx.put(state.resourceDefinitions, nameKey(cur.name), next);
    // The LUKS key is created with the volume definition, in this same mutation.
    ensureVolumeKeysInTx(ctx, tx, next);
    // Existing resources get the new volume, in the pool their first volume uses.
    for (const r of placed) {
      tx.put(state.resources, `${nameKey(r.name)}/${nameKey(r.nodeName)}`, { ...r, volumes: { ...r.volumes, [String(nr)]: { props: {}, flags: [], storagePool: poolOf(r) } } });
    }
    return { rd: next, vd: def };
  });
  const desc = vdDesc(rd.name, vd.volumeNumber);
  const rc = [rcEntry('CREATED', `New ${desc} created.`, { obj: 'VLM_DFN', op: 'CRT', details: `${cap(desc)} UUID is: ${vd.uuid}`, objRefs: { RscDfn: rd.name, VlmNr: String(vd.volumeNumber) } })];
  const placed = resourcesOf(state, rd.name);
  if (placed.length) rc.push(...await applyAndReport(ctx, placed.map((p) => ({ rdName: rd.name, nodeName: p.nodeName })), 'modify'));
  return rc;
}

export async function modifyVolumeDefinition(ctx: ControllerContext, rdName: string, vlmNr: number, body: api.VolumeDefinitionModify): Promise<ApiCallRc[]> {
  const { state } = ctx;
  const size = body.size_kib;
  const fl = checkFlags(body.flags, true);
  const { rd, vd, unset, resized } = await state.mutate((tx) => {
    const cur = getResourceDefinition(state, rdName);
    const old = getVolumeDefinition(cur, vlmNr);
    const change = applyPropsModify(old.props, body);
    const placed = resourcesOf(state, cur.name);
    if (size !== undefined && size < old.sizeKib && placed.length) {
      throw new ApiError('FAIL_INVLD_VLM_SIZE', 'Deployed volumes can only grow in size, not shrink.', {
        obj: 'VLM_DFN', op: 'MOD', cause: `Volume definition ${vlmNr} of '${cur.name}' has ${placed.length} deployed volume(s) of ${old.sizeKib} KiB.`,
        correction: 'Give a size of at least the current size, or delete the resources first.', objRefs: { RscDfn: cur.name, VlmNr: String(vlmNr) },
      });
    }
    if (size !== undefined && size > old.sizeKib && placed.length) checkGrowth(ctx, cur, vlmNr, size - old.sizeKib);
    const flags = [...old.flags.filter((f) => !fl.remove.includes(f)), ...fl.add.filter((f) => !old.flags.includes(f))];
    const vdNext: VolumeDefinition = { ...old, props: change.props, flags, sizeKib: size ?? old.sizeKib };
    const next: ResourceDefinition = { ...cur, volumeDefinitions: cur.volumeDefinitions.map((x) => (x.volumeNumber === vlmNr ? vdNext : x)) };
    tx.put(state.resourceDefinitions, nameKey(cur.name), next);
    return { rd: next, vd: vdNext, unset: change.unsetDeletes, resized: size !== undefined && size !== old.sizeKib };
  });
  const desc = vdDesc(rd.name, vd.volumeNumber);
  const rc = [rcEntry('MODIFIED', `${cap(desc)} modified.`, { obj: 'VLM_DFN', op: 'MOD', details: `${cap(desc)} UUID is: ${vd.uuid}`, objRefs: { RscDfn: rd.name, VlmNr: String(vlmNr) } })];
  for (const k of unset) rc.push(rcEntry('WARN_DEL_UNSET_PROP', `Could not delete property '${k}' as it did not exist.`, { obj: 'VLM_DFN', op: 'MOD' }));
  const placed = resourcesOf(state, rd.name);
  if (placed.length) {
    const sat = await applyAndReport(ctx, placed.map((p) => ({ rdName: rd.name, nodeName: p.nodeName })), 'modify');
    rc.push(...(resized ? sat : sat.filter((e) => e.ret_code < 0n)));
  }
  return rc;
}

export async function deleteVolumeDefinition(ctx: ControllerContext, rdName: string, vlmNr: number): Promise<ApiCallRc[]> {
  const { state } = ctx;
  const rd0 = getResourceDefinition(state, rdName);
  const vd0 = getVolumeDefinition(rd0, vlmNr);
  const desc = vdDesc(rd0.name, vlmNr);
  const refs = { RscDfn: rd0.name, VlmNr: String(vlmNr) };
  const placed = resourcesOf(state, rd0.name);
  const rc: ApiCallRc[] = [];
  if (placed.length) {
    await state.mutate((tx) => {
      const cur = getResourceDefinition(state, rd0.name);
      tx.put(state.resourceDefinitions, nameKey(cur.name), {
        ...cur, volumeDefinitions: cur.volumeDefinitions.map((x) => (x.volumeNumber === vlmNr && !x.flags.includes('DELETE') ? { ...x, flags: [...x.flags, 'DELETE'] } : x)),
      });
    });
    rc.push(rcEntry('DELETED', `${cap(desc)} marked for deletion.`, { obj: 'VLM_DFN', op: 'DEL', objRefs: refs }));
    const sat = await applyAndReport(ctx, placed.map((p) => ({ rdName: rd0.name, nodeName: p.nodeName })), 'modify');
    rc.push(...sat.filter((e) => e.ret_code < 0n));
    if (sat.some((e) => (BigInt.asUintN(64, e.ret_code) >> 62n) === 3n)) return rc;
  }
  await state.mutate((tx) => {
    const cur = getResourceDefinition(state, rd0.name);
    tx.put(state.resourceDefinitions, nameKey(cur.name), { ...cur, volumeDefinitions: cur.volumeDefinitions.filter((x) => x.volumeNumber !== vlmNr) });
    deleteVolumeKeys(ctx, tx, cur.name, vlmNr);
    for (const r of resourcesOf(state, cur.name)) {
      const { [String(vlmNr)]: _gone, ...rest } = r.volumes;
      tx.put(state.resources, `${nameKey(r.name)}/${nameKey(r.nodeName)}`, { ...r, volumes: rest });
    }
  });
  rc.push(rcEntry('DELETED', `${cap(desc)} deleted.`, { obj: 'VLM_DFN', op: 'DEL', details: `${cap(desc)} UUID was: ${vd0.uuid}`, objRefs: refs }));
  return rc;
}
