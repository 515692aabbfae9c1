/**
 * `resource-group spawn-resources` and `resource create --auto-place`: the resource definition,
 * its volume definitions and the placed resources are made in ONE state.mutate, so two spawns of
 * one name give exactly one definition and the loser sees "already exists"; a placement that
 * fails leaves nothing behind. Only then are the satellites awaited.
 */
import { randomUUID } from 'node:crypto';
import { rcEntry, type ApiCallRc } from '../../model/apicallrc.js';
import { ApiError, Errors } from '../../model/errors.js';
import { nameKey, printable } from '../../model/names.js';
import type { LayerKind, ResourceDefinition, VolumeDefinition } from '../../model/types.js';
import type * as api from '../../api/index.js';
import type { ControllerContext } from '../context.js';
import { getResourceDefinition, getResourceGroup } from '../lookup.js';
import { applyAndReport } from '../services/apply.js';
import { checkLayerStack, DEFAULT_LAYER_STACK, hasDrbd } from '../services/layers.js';
import { allocateMinor, allocateTcpPort } from '../services/numbers.js';
import { deriveResourceName, drbdSecret } from '../services/resource-definitions.js';
import { ensureVolumeKeysInTx } from '../services/volume-keys.js';
import { toSelectFilter } from '../services/select-filter.js';
import { autoplaceInTx, effectiveFilter } from './autoplace.js';
import { addTieBreakerInTx } from './tie-breaker.js';

async function pushAndReport(ctx: ControllerContext, rdName: string, nodes: string[], rc: ApiCallRc[]): Promise<ApiCallRc[]> {
  if (nodes.length) rc.push(...await applyAndReport(ctx, nodes.map((n) => ({ rdName, nodeName: n })), 'create'));
  return rc;
}

export async function spawnResources(ctx: ControllerContext, rgName: string, req: api.ResourceGroupSpawn): Promise<ApiCallRc[]> {
  const { state } = ctx;
  const ext = req.resource_definition_external_name;
  const given = req.resource_definition_name || undefined;
  if (!given && !ext) throw new ApiError('FAIL_INVLD_RSC_NAME', 'Resource name is missing.', { correction: "Give 'resource_definition_name' or 'resource_definition_external_name'.", obj: 'RSC_DFN', op: 'CRT' });
  const sizes = req.volume_sizes ?? [];
  const override = toSelectFilter(req.select_filter);
  const partial = req.partial === true;
  const definitionsOnly = req.definitions_only === true;
  const peerSlots = req.peer_slots;
  const rdProps = { ...req.resource_definition_props };

  const out = await state.mutate((tx) => {
    const rg = getResourceGroup(state, rgName);
    const name = given ?? deriveResourceName(ext!, (n) => state.resourceDefinitions.has(nameKey(n)));
    if (state.resourceDefinitions.has(nameKey(name))) throw Errors.exists('FAIL_EXISTS_RSC_DFN', 'Resource definition', name, { obj: 'RSC_DFN', op: 'CRT', objRefs: { RscDfn: name } });
    if (ext !== undefined && [...state.resourceDefinitions.values()].some((o) => o.externalName === ext)) {
      throw new ApiError('FAIL_EXISTS_EXT_NAME', `A resource definition with the external name '${printable(ext)}' already exists.`, { obj: 'RSC_DFN', op: 'CRT', correction: 'Use another external name.' });
    }
    const vgs = [...state.volumeGroups.withPrefix(`${nameKey(rg.name)}/`)].sort((a, b) => a.volumeNumber - b.volumeNumber);
    if (!partial && vgs.length && sizes.length !== vgs.length) {
      throw new ApiError('FAIL_INVLD_VLM_SIZE', `Resource group '${rg.name}' has ${vgs.length} volume group(s), but ${sizes.length} volume size(s) were given.`, {
        obj: 'RSC_GRP', correction: 'Give one size per volume group, or set "partial": true.', objRefs: { RscGrp: rg.name },
      });
    }
    const filter = effectiveFilter(rg, override);
    const stack = checkLayerStack(filter.layer_stack, 'layer_stack') ?? [...DEFAULT_LAYER_STACK];
    const drbd = hasDrbd(stack);
    // Volume numbers follow the volume groups (their props reach the volumes by inheritance).
    const used = new Set<number>();
    const minors: number[] = [];
    const vds: VolumeDefinition[] = sizes.map((sizeKib, i) => {
      let nr = vgs[i]?.volumeNumber;
      if (nr === undefined) { nr = 0; while (used.has(nr) || vgs.some((g) => g.volumeNumber === nr)) nr++; }
      used.add(nr);
      const minorNumber = drbd ? allocateMinor(state, undefined, minors) : undefined;
      if (minorNumber !== undefined) minors.push(minorNumber);
      return { volumeNumber: nr, sizeKib, props: {}, flags: [...(vgs[i]?.flags ?? [])], uuid: randomUUID(), ...(minorNumber !== undefined ? { minorNumber } : {}) };
    });
    const rd: ResourceDefinition = {
      name, externalName: ext, resourceGroup: rg.name, props: rdProps, flags: [], layerStack: stack,
      drbd: drbd ? { port: allocateTcpPort(state), secret: drbdSecret(), peerSlots: peerSlots ?? rg.peerSlots } : undefined,
      volumeDefinitions: vds, uuid: randomUUID(),
    };
    tx.put(state.resourceDefinitions, nameKey(name), rd);
    ensureVolumeKeysInTx(ctx, tx, rd); // LUKS keys commit with the volume definitions
    const rc: ApiCallRc[] = [rcEntry('CREATED', `New resource definition '${name}' created.`, { obj: 'RSC_DFN', op: 'CRT', details: `Resource definition '${name}' UUID is: ${rd.uuid}`, objRefs: { RscDfn: name } })];
    for (const vd of vds) {
      rc.push(rcEntry('CREATED', `New volume definition with number '${vd.volumeNumber}' of resource definition '${name}' created.`, { obj: 'VLM_DFN', op: 'CRT', objRefs: { RscDfn: name, VlmNr: String(vd.volumeNumber) } }));
    }
    if (definitionsOnly || (filter.place_count === undefined && filter.additional_place_count === undefined)) {
      rc.push(rcEntry('INFO_NO_RSC_SPAWNED', `No resources were spawned for '${name}'.`, { obj: 'RSC_GRP', details: definitionsOnly ? 'definitions_only was set.' : 'The resource group has no place count.', objRefs: { RscDfn: name } }));
      return { name, rc, nodes: [] as string[] };
    }
    const placed = autoplaceInTx(ctx, tx, rd, filter);
    const tb = addTieBreakerInTx(ctx, tx, name);
    rc.push(...placed.rc, ...tb.rc);
    return { name, rc, nodes: [...placed.created, ...tb.created].map((r) => r.nodeName) };
  });
  return pushAndReport(ctx, out.name, out.nodes, out.rc);
}

/** POST /v1/resource-definitions/{rd}/autoplace (AutoPlaceRequest). */
export async function autoplaceResource(ctx: ControllerContext, rdName: string, req: api.AutoPlaceRequest): Promise<ApiCallRc[]> {
  const { state } = ctx;
  const override = toSelectFilter(req.select_filter);
  if (req.diskless_on_remaining === true) override.diskless_on_remaining = true;
  const layerList = checkLayerStack(req.layer_list);
  const out = await state.mutate((tx) => {
    const rd = getResourceDefinition(state, rdName);
    if (!rd.volumeDefinitions.length) {
      throw new ApiError('FAIL_INVLD_VLM_SIZE', `Resource definition '${rd.name}' has no volume definitions to place.`, { obj: 'RSC', op: 'CRT', correction: 'Create a volume definition first.', objRefs: { RscDfn: rd.name } });
    }
    const filter = effectiveFilter(state.resourceGroups.get(nameKey(rd.resourceGroup)), override);
    const placed = autoplaceInTx(ctx, tx, rd, filter, layerList as LayerKind[] | undefined);
    const tb = addTieBreakerInTx(ctx, tx, rd.name);
    return { name: rd.name, rc: [...placed.rc, ...tb.rc], nodes: [...placed.created, ...tb.created].map((r) => r.nodeName) };
  });
  return pushAndReport(ctx, out.name, out.nodes, out.rc);
}
