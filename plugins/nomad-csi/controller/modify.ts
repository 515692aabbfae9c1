/**
 * ControllerModifyVolume (MODIFY_VOLUME) and CreateVolume's mutable_parameters. What can
 * change on a living volume are LINSTOR properties of its own resource definition, named as
 * in the volume parameters: `property.linstor.csi.linbit.com/<LINSTOR key>` and
 * `DrbdOptions/<option>` (linstor-csi's names; the resource definition, not the resource
 * group, which volumes with the same parameters share). An empty value removes the property.
 * Everything else — placement, pools, layers, fsOpts — is fixed at creation: INVALID_ARGUMENT,
 * and nothing is changed unless every key is acceptable. Only keys given are touched (spec).
 */
import type { PluginContext } from '../context.js';
import { invalid } from '../errors.js';
import { requireId, requireVolume } from './lookup.js';

const DRIVER = 'linstor.csi.linbit.com';
/** The creation parameters (params.ts), named in the refusal so the user knows why. */
const CREATE_ONLY = new Set(['autoplace', 'placementcount', 'resourcegroup', 'storagepool', 'disklessstoragepool', 'layerlist',
  'placementpolicy', 'allowremotevolumeaccess', 'encryption', 'nodelist', 'clientlist', 'replicasonsame', 'replicasondifferent',
  'disklessonremaining', 'donotplacewithregex', 'fsopts', 'mountopts', 'postmountxfsopts', 'sizekib', 'usepvcname']);

export interface PropChange { set: Record<string, string>; remove: string[] }

export function parseMutableParameters(raw: Record<string, string> = {}): PropChange {
  const out: PropChange = { set: {}, remove: [] };
  for (const [key, value] of Object.entries(raw)) {
    let prop: string | undefined;
    if (key.startsWith('DrbdOptions/')) prop = key;
    else if (key.startsWith(`property.${DRIVER}/`)) prop = key.slice(`property.${DRIVER}/`.length);
    if (prop === undefined) {
      const bare = (key.startsWith(`${DRIVER}/`) ? key.slice(DRIVER.length + 1) : key).toLowerCase();
      if (CREATE_ONLY.has(bare)) throw invalid(`Parameter ${key} is fixed when the volume is created and cannot be modified (mutable: property.${DRIVER}/<LINSTOR property>, DrbdOptions/<option>)`);
      throw invalid(`Unknown mutable parameter '${key}' (mutable: property.${DRIVER}/<LINSTOR property>, DrbdOptions/<option>)`);
    }
    if (!prop || /^Aux\/csi\//i.test(prop)) throw invalid(`Parameter ${key}: '${prop}' is not a property this plugin lets a volume change`);
    if (value === '') out.remove.push(prop);
    else out.set[prop] = value;
  }
  return out;
}

export async function controllerModifyVolume(ctx: PluginContext, req: { volume_id?: string; mutable_parameters?: Record<string, string> }): Promise<unknown> {
  const id = requireId(req.volume_id, 'volume_id');
  if (!req.mutable_parameters || Object.keys(req.mutable_parameters).length === 0) throw invalid('mutable_parameters missing in request');
  const change = parseMutableParameters(req.mutable_parameters);
  return ctx.locks.with([`vol:${id}`], async () => {
    await requireVolume(ctx, id);
    // One call: LINSTOR checks every key and value and applies all of them or none.
    await ctx.client.resourceDefinitions.modify(id, {
      ...(Object.keys(change.set).length ? { override_props: change.set } : {}),
      ...(change.remove.length ? { delete_props: change.remove } : {}),
    });
    ctx.log.info({ volume: id, set: Object.keys(change.set), removed: change.remove }, 'volume modified');
    return {};
  });
}
