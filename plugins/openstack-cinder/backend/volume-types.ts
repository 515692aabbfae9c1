/**
 * Volume type → resource group, as LINBIT's driver (linstordrv.py 2.0.0) maps it: one group
 * `cinder-<type id>` per type, described `For volume type "<name>"`, one volume group, and
 * the `linstor:*` extra specs turned into its select filter and properties.
 */
import { compileUserRegex } from '../../../core/client/index.js';
import type { AutoSelectFilter, ResourceGroup } from '../../../core/client/index.js';
import type { CinderConfig } from '../config.js';
import { badRequest } from '../http/faults.js';
import type { VolumeTypeRecord } from '../state/records.js';

export const resourceGroupName = (typeId: string): string => `cinder-${typeId}`;

const list = (v: string): string[] => v.split(',').map((s) => s.trim()).filter(Boolean);
const bool = (k: string, v: string): boolean => {
  const s = v.trim().toLowerCase();
  if (['true', 'yes', '1', '<is> true'].includes(s)) return true;
  if (['false', 'no', '0', '<is> false'].includes(s)) return false;
  throw badRequest(`Extra spec ${k} must be true or false, not '${v}'.`);
};

/** The layer list a type asks for (lower case), falling back to the configured default. */
export function layerListOf(type: VolumeTypeRecord | undefined, cfg: CinderConfig): string[] {
  const v = type?.extraSpecs['linstor:layer_list'];
  return (v ? list(v) : cfg.linstor.defaultLayerList).map((s) => s.toLowerCase());
}

/** The resource group a type stands for; throws badRequest for specs that cannot be applied. */
export function resourceGroupFor(type: VolumeTypeRecord, cfg: CinderConfig): ResourceGroup & { name: string } {
  const s = type.extraSpecs;
  const f: AutoSelectFilter = {};
  const pools = s['linstor:storage_pool'] ?? cfg.linstor.defaultStoragePool;
  if (pools) f.storage_pool_list = list(pools);
  const red = s['linstor:redundancy'];
  const n = red === undefined ? cfg.linstor.defaultRedundancy : Number(red);
  if (!Number.isInteger(n) || n < 1) throw badRequest(`Extra spec linstor:redundancy must be a positive integer, not '${red}'.`);
  f.place_count = n;
  f.diskless_on_remaining = s['linstor:diskless_on_remaining'] ? bool('linstor:diskless_on_remaining', s['linstor:diskless_on_remaining']) : false;
  if (s['linstor:do_not_place_with_regex']) {
    try { compileUserRegex(s['linstor:do_not_place_with_regex'], 'Extra spec linstor:do_not_place_with_regex'); } catch (e) { throw badRequest((e as Error).message); }
    f.not_place_with_rsc_regex = s['linstor:do_not_place_with_regex'];
  }
  f.layer_stack = layerListOf(type, cfg).map((l) => l.toUpperCase());
  if (s['linstor:provider_list']) f.provider_list = list(s['linstor:provider_list']).map((p) => p.toUpperCase());
  if (s['linstor:replicas_on_different']) f.replicas_on_different = list(s['linstor:replicas_on_different']).map((k) => `Aux/${k}`);
  if (s['linstor:replicas_on_same']) f.replicas_on_same = list(s['linstor:replicas_on_same']).map((k) => `Aux/${k}`);
  const props: Record<string, string> = {};
  for (const [k, v] of Object.entries(s)) {
    // linstor:property:DrbdOptions:Net:protocol → DrbdOptions/Net/protocol
    if (k.startsWith('linstor:property:')) props[k.slice('linstor:property:'.length).split(':').join('/')] = v;
  }
  return { name: resourceGroupName(type.id), description: `For volume type "${type.name}"`, select_filter: f, props };
}
