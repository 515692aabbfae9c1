import { randomUUID } from 'node:crypto';
import type { Router } from 'express';
import { rcEntry, type ApiCallRc } from '../../model/apicallrc.js';
import { ApiError, Errors } from '../../model/errors.js';
import { nameKey, printable } from '../../model/names.js';
import type { ResourceGroup, VolumeGroup } from '../../model/types.js';
import { applyPropsModify } from '../../props/modify.js';
import type { ControllerContext } from '../context.js';
import { route } from '../http/handler.js';
import { listParam, nameFilter, page, propsFilter } from '../http/query.js';
import { getResourceGroup } from '../lookup.js';
import { propsInfo } from '../services/props-info.js';
import { mergeSelectFilter, toSelectFilter, unknownPools } from '../services/select-filter.js';
import type { ClusterState } from '../state/cluster-state.js';
import { resourceGroupView, volumeGroupView } from '../views/resource-groups.js';
import { DFLT_RSC_GRP } from '../../model/defaults.js';

const RG = 'RSC_GRP' as const;
const VG = 'VLM_GRP' as const;
const MAX_VLM_NR = 65535;
const VG_FLAGS = ['GROSS_SIZE'];

/** LINSTOR's database starts with DfltRscGrp (place count 2); it is created on first start. */
export function ensureDefaultResourceGroup(state: ClusterState): Promise<void> {
  return state.mutate((tx) => {
    if (!state.resourceGroups.has(nameKey(DFLT_RSC_GRP))) {
      tx.put(state.resourceGroups, nameKey(DFLT_RSC_GRP), { name: DFLT_RSC_GRP, props: {}, selectFilter: { place_count: 2 }, uuid: randomUUID() });
    }
  });
}

function rgRefs(name: string): Record<string, string> { return { RscGrp: name }; }

function poolWarning(state: ClusterState, rg: ResourceGroup): ApiCallRc[] {
  const unknown = unknownPools(state, rg.selectFilter);
  if (!unknown.length) return [];
  return [rcEntry('WARN_NOT_FOUND', `The following configured storage pools do not exist on any node:\n\t${unknown.join('\n\t')}`, { obj: RG, objRefs: rgRefs(rg.name) })];
}

/** Applies "FLAG" / "-FLAG" changes (LINSTOR's volume group flag syntax). */
function applyVlmGrpFlags(changes: string[] | undefined, current: string[] = []): string[] {
  const out = new Set(current);
  for (const raw of changes ?? []) {
    const remove = raw.startsWith('-');
    const flag = (remove ? raw.slice(1) : raw).toUpperCase();
    if (!VG_FLAGS.includes(flag)) {
      throw new ApiError('FAIL_INVLD_REQUEST', `Volume group flag '${printable(raw)}' is unknown.`, { correction: `Use ${VG_FLAGS.join(', ')} (prefix '-' to remove).`, obj: VG });
    }
    if (remove) out.delete(flag); else out.add(flag);
  }
  return [...out];
}

function vgKey(rg: string, nr: number): string { return `${nameKey(rg)}/${nr}`; }

function parseVlmNr(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > MAX_VLM_NR) {
    throw new ApiError('FAIL_INVLD_VLM_NR', `Volume number '${printable(raw)}' is invalid.`, { correction: `Use a number from 0 to ${MAX_VLM_NR}.`, obj: VG });
  }
  return n;
}

function getVolumeGroup(state: ClusterState, rgName: string, nr: number): VolumeGroup {
  const rg = getResourceGroup(state, rgName);
  const vg = state.volumeGroups.get(vgKey(rg.name, nr));
  if (!vg) {
    throw Errors.notFound('FAIL_NOT_FOUND_VLM_GRP', 'Volume group', `${rg.name}/${nr}`, { obj: VG, objRefs: { RscGrp: rg.name, VlmNr: String(nr) } });
  }
  return vg;
}

export function registerResourceGroupRoutes(r: Router, ctx: ControllerContext): void {
  const { state, reporter } = ctx;

  r.get('/v1/resource-groups', route(reporter, { obj: RG }, 200, (req) => {
    const byName = nameFilter(listParam(req, 'resource_groups'));
    const byProps = propsFilter(req);
    return { json: page(req, state.resourceGroups.values(), (g) => byName(g.name) && byProps(g.props), resourceGroupView) };
  }));
  r.get('/v1/resource-groups/properties/info', route(reporter, { obj: RG }, 200, () => ({ json: propsInfo('RESOURCE_GROUP') })));
  r.get('/v1/stats/resource-groups', route(reporter, { obj: RG }, 200, () => ({ json: { count: state.resourceGroups.size } })));
  r.get('/v1/resource-groups/:rg', route(reporter, { obj: RG }, 200, (req) => ({ json: resourceGroupView(getResourceGroup(state, String(req.params.rg))) })));

  r.post('/v1/resource-groups', route(reporter, { obj: RG, op: 'CRT', body: 'POST /v1/resource-groups' }, 201, async (_req, _res, b) => {
    const name = b.name!; // the rule (core/api/rules.ts) refuses a missing name
    const rg: ResourceGroup = {
      name,
      description: b.description,
      props: { ...b.props },
      selectFilter: toSelectFilter(b.select_filter),
      peerSlots: b.peer_slots,
      uuid: randomUUID(),
    };
    await state.mutate((tx) => {
      if (state.resourceGroups.has(nameKey(name))) throw Errors.exists('FAIL_EXISTS_RSC_GRP', 'Resource group', name, { obj: RG, op: 'CRT', objRefs: rgRefs(name) });
      tx.put(state.resourceGroups, nameKey(name), rg);
    });
    return { rc: [...poolWarning(state, rg), rcEntry('CREATED', `New resource group '${name}' created.`, { obj: RG, op: 'CRT', objRefs: rgRefs(name), details: `Resource group '${name}' UUID is: ${rg.uuid}` })] };
  }));

  r.put('/v1/resource-groups/:rg', route(reporter, { obj: RG, op: 'MOD', body: 'PUT /v1/resource-groups/{resource_group}' }, 200, async (req, _res, b) => {
    const filterChange = b.select_filter === undefined ? undefined : toSelectFilter(b.select_filter);
    const { rg, change, next } = await state.mutate((tx) => {
      const rg = getResourceGroup(state, String(req.params.rg));
      const change = applyPropsModify(rg.props, b);
      const next: ResourceGroup = {
        ...rg,
        props: change.props,
        description: b.description ?? rg.description,
        selectFilter: filterChange ? mergeSelectFilter(rg.selectFilter, filterChange) : rg.selectFilter,
        peerSlots: b.peer_slots ?? rg.peerSlots,
      };
      tx.put(state.resourceGroups, nameKey(rg.name), next);
      return { rg, change, next };
    });
    const rc = [rcEntry('MODIFIED', `Resource group '${rg.name}' modified.`, { obj: RG, op: 'MOD', objRefs: rgRefs(rg.name), details: `Resource group '${rg.name}' UUID is: ${rg.uuid}` })];
    for (const k of change.unsetDeletes) rc.push(rcEntry('WARN_DEL_UNSET_PROP', `Could not delete property '${k}' as it did not exist.`, { obj: RG, op: 'MOD' }));
    if (filterChange) rc.push(...poolWarning(state, next));
    return { rc };
  }));

  r.delete('/v1/resource-groups/:rg', route(reporter, { obj: RG, op: 'DEL' }, 200, async (req) => {
    const raw = String(req.params.rg);
    const rg = state.resourceGroups.get(nameKey(raw));
    if (!rg) return { rc: [rcEntry('WARN_NOT_FOUND', `Resource group '${raw}' not found.`, { obj: RG, op: 'DEL', objRefs: rgRefs(raw) })] };
    if (nameKey(rg.name) === nameKey(DFLT_RSC_GRP)) {
      throw Errors.inUse(`The default resource group '${DFLT_RSC_GRP}' cannot be deleted.`,
        'Resource definitions created without a group belong to it.', 'Delete or modify another resource group.', { obj: RG, op: 'DEL', objRefs: rgRefs(rg.name) });
    }
    await state.mutate((tx) => {
      const users = [...state.resourceDefinitions.values()].filter((rd) => nameKey(rd.resourceGroup) === nameKey(rg.name));
      if (users.length) {
        throw new ApiError('FAIL_EXISTS_RSC_DFN', `Cannot delete resource group '${rg.name}' because it has existing resource definitions.`, {
          obj: RG, op: 'DEL', objRefs: rgRefs(rg.name),
          details: `Resource definitions of the group: ${users.slice(0, 10).map((u) => u.name).join(', ')}${users.length > 10 ? ', ...' : ''}`,
          correction: 'Delete the resource definitions first, or move them to another resource group.',
        });
      }
      for (const [k] of [...state.volumeGroups.entries()].filter(([k]) => k.startsWith(`${nameKey(rg.name)}/`))) tx.delete(state.volumeGroups, k);
      tx.delete(state.resourceGroups, nameKey(rg.name));
    });
    return { rc: [rcEntry('DELETED', `Resource group '${rg.name}' deleted.`, { obj: RG, op: 'DEL', objRefs: rgRefs(rg.name), details: `Resource group '${rg.name}' UUID was: ${rg.uuid}` })] };
  }));

  // Volume groups.
  r.get('/v1/resource-groups/:rg/volume-groups/properties/info', route(reporter, { obj: VG }, 200, () => ({ json: propsInfo('VOLUME_GROUP') })));
  r.get('/v1/resource-groups/:rg/volume-groups', route(reporter, { obj: VG }, 200, (req) => {
    const rg = getResourceGroup(state, String(req.params.rg));
    const vgs = [...state.volumeGroups.withPrefix(`${nameKey(rg.name)}/`)].sort((a, b) => a.volumeNumber - b.volumeNumber);
    return { json: page(req, vgs, () => true, volumeGroupView) };
  }));
  r.get('/v1/resource-groups/:rg/volume-groups/:nr', route(reporter, { obj: VG }, 200, (req) => ({
    json: volumeGroupView(getVolumeGroup(state, String(req.params.rg), parseVlmNr(String(req.params.nr)))),
  })));

  r.post('/v1/resource-groups/:rg/volume-groups', route(reporter, { obj: VG, op: 'CRT', body: 'POST /v1/resource-groups/{resource_group}/volume-groups', bodyOptional: true }, 201, async (req, _res, b) => {
    const rg = getResourceGroup(state, String(req.params.rg));
    const asked = b.volume_number;
    const props = { ...b.props };
    const flags = applyVlmGrpFlags(b.flags);
    const vg = await state.mutate((tx) => {
      if (!state.resourceGroups.has(nameKey(rg.name))) throw Errors.notFound('FAIL_NOT_FOUND_RSC_GRP', 'Resource group', rg.name, { obj: RG });
      let nr = asked;
      if (nr === undefined) {
        // Lowest free number, as LINSTOR assigns it.
        nr = 0;
        while (state.volumeGroups.has(vgKey(rg.name, nr))) nr++;
        if (nr > MAX_VLM_NR) throw new ApiError('FAIL_INVLD_VLM_NR', 'No free volume number is left.', { correction: 'Delete unused volume groups.', obj: VG });
      } else if (state.volumeGroups.has(vgKey(rg.name, nr))) {
        throw new ApiError('FAIL_EXISTS_VLM_GRP', `A volume group with number '${nr}' already exists in resource group '${rg.name}'.`, {
          correction: 'Use another volume number, or leave it out to get the lowest free one.', obj: VG, op: 'CRT', objRefs: { RscGrp: rg.name, VlmNr: String(nr) },
        });
      }
      const v: VolumeGroup = { resourceGroup: rg.name, volumeNumber: nr, props, flags, uuid: randomUUID() };
      tx.put(state.volumeGroups, vgKey(rg.name, nr), v);
      return v;
    });
    return { rc: [rcEntry('CREATED', `New volume group with number '${vg.volumeNumber}' of resource group '${rg.name}' created.`, {
      obj: VG, op: 'CRT', objRefs: { RscGrp: rg.name, VlmNr: String(vg.volumeNumber) }, details: `Volume group UUID is: ${vg.uuid}`,
    })] };
  }));

  r.put('/v1/resource-groups/:rg/volume-groups/:nr', route(reporter, { obj: VG, op: 'MOD', body: 'PUT /v1/resource-groups/{resource_group}/volume-groups/{volume_number}' }, 200, async (req, _res, b) => {
    const { vg, change } = await state.mutate((tx) => {
      const vg = getVolumeGroup(state, String(req.params.rg), parseVlmNr(String(req.params.nr)));
      const change = applyPropsModify(vg.props, b);
      const flags = applyVlmGrpFlags(b.flags, vg.flags);
      tx.put(state.volumeGroups, vgKey(vg.resourceGroup, vg.volumeNumber), { ...vg, props: change.props, flags });
      return { vg, change };
    });
    const rc = [rcEntry('MODIFIED', `Volume group with number '${vg.volumeNumber}' of resource group '${vg.resourceGroup}' modified.`, {
      obj: VG, op: 'MOD', objRefs: { RscGrp: vg.resourceGroup, VlmNr: String(vg.volumeNumber) },
    })];
    for (const k of change.unsetDeletes) rc.push(rcEntry('WARN_DEL_UNSET_PROP', `Could not delete property '${k}' as it did not exist.`, { obj: VG, op: 'MOD' }));
    return { rc };
  }));

  r.delete('/v1/resource-groups/:rg/volume-groups/:nr', route(reporter, { obj: VG, op: 'DEL' }, 200, async (req) => {
    const vg = getVolumeGroup(state, String(req.params.rg), parseVlmNr(String(req.params.nr)));
    await state.mutate((tx) => tx.delete(state.volumeGroups, vgKey(vg.resourceGroup, vg.volumeNumber)));
    return { rc: [rcEntry('DELETED', `Volume group with number '${vg.volumeNumber}' of resource group '${vg.resourceGroup}' deleted.`, {
      obj: VG, op: 'DEL', objRefs: { RscGrp: vg.resourceGroup, VlmNr: String(vg.volumeNumber) },
    })] };
  }));
}
