/**
 * Volume parameters, as LINSTOR's CSI driver takes them (guide §5.3.17), so existing Nomad
 * volume specs carry over. Keys match case-insensitively, with or without the
 * `linstor.csi.linbit.com/` prefix; `property.linstor.csi.linbit.com/<Key>` sets a LINSTOR
 * property on the resource group and `DrbdOptions/<...>` a DRBD option. Other namespaced
 * keys belong to someone else and are ignored.
 */
import { createHash } from 'node:crypto';
import { compileUserRegex } from '../../core/client/index.js';
import { invalid } from './errors.js';
import { checkFsOptions } from './node/fs-options.js';

export type PlacementPolicy = 'AutoPlaceTopology' | 'AutoPlace' | 'Manual' | 'FollowTopology' | 'Balanced';
const POLICIES: PlacementPolicy[] = ['AutoPlaceTopology', 'AutoPlace', 'Manual', 'FollowTopology', 'Balanced'];
const LAYERS = ['DRBD', 'STORAGE', 'LUKS', 'NVME', 'CACHE', 'WRITECACHE', 'OPENFLEX', 'EXOS', 'BCACHE'];

export interface VolumeParameters {
  placementCount: number;
  resourceGroup: string;
  /** True when resourceGroup came from the user (not derived from the parameters). */
  explicitResourceGroup: boolean;
  storagePool?: string;
  disklessStoragePool: string;
  layerList: string[];
  placementPolicy: PlacementPolicy;
  /** true: any node may attach (needs DRBD); false: only nodes holding a replica. */
  allowRemoteVolumeAccess: boolean;
  encryption: boolean;
  nodeList: string[];
  clientList: string[];
  replicasOnSame: string[];
  replicasOnDifferent: string[];
  disklessOnRemaining: boolean;
  doNotPlaceWithRegex?: string;
  fsOpts?: string;
  mountOpts?: string;
  postMountXfsOpts?: string;
  /** LINSTOR properties for the resource group (property.* and DrbdOptions/*). */
  properties: Record<string, string>;
}

const DRIVER = 'linstor.csi.linbit.com';

function bool(key: string, v: string): boolean {
  const s = v.trim().toLowerCase();
  if (['true', '1', 'yes', 't'].includes(s)) return true;
  if (['false', '0', 'no', 'f', ''].includes(s)) return false;
  throw invalid(`Parameter ${key}: '${v}' is not a boolean`);
}

const words = (v: string): string[] => v.split(/\s+/).filter(Boolean);
/** LINSTOR stores topology-ish node props under Aux/ (linstor-csi adds the prefix too). */
const aux = (list: string[]): string[] => list.map((k) => (k.startsWith('Aux/') ? k : `Aux/${k}`));

export function parseParameters(raw: Record<string, string> = {}): VolumeParameters {
  const p: VolumeParameters = {
    placementCount: 1, resourceGroup: '', explicitResourceGroup: false, disklessStoragePool: 'DfltDisklessStorPool',
    layerList: ['DRBD', 'STORAGE'], placementPolicy: 'AutoPlaceTopology', allowRemoteVolumeAccess: true,
    encryption: false, nodeList: [], clientList: [], replicasOnSame: [], replicasOnDifferent: [],
    disklessOnRemaining: false, properties: {},
  };
  for (const [key, value] of Object.entries(raw)) {
    const slash = key.indexOf('/');
    const ns = slash < 0 ? '' : key.slice(0, slash);
    const rest = slash < 0 ? key : key.slice(slash + 1);
    if (ns === 'DrbdOptions') { p.properties[key] = value; continue; }
    if (ns === `property.${DRIVER}`) { p.properties[rest] = value; continue; }
    if (ns !== '' && ns !== DRIVER) continue;
    switch (rest.toLowerCase()) {
      case 'autoplace': case 'placementcount': {
        const n = Number(value === '' ? '1' : value);
        if (!Number.isInteger(n) || n < 0) throw invalid(`Parameter ${key}: '${value}' is not a replica count`);
        p.placementCount = n; break;
      }
      case 'resourcegroup': p.resourceGroup = value; p.explicitResourceGroup = value !== ''; break;
      case 'storagepool': p.storagePool = value || undefined; break;
      case 'disklessstoragepool': p.disklessStoragePool = value; break;
      case 'layerlist': {
        const l = words(value).map((x) => x.toUpperCase());
        const bad = l.find((x) => !LAYERS.includes(x));
        if (bad || l.length === 0) throw invalid(`Parameter ${key}: unknown layer '${bad ?? value}' (known: ${LAYERS.join(' ').toLowerCase()})`);
        p.layerList = l; break;
      }
      case 'placementpolicy': {
        const pol = POLICIES.find((x) => x.toLowerCase() === value.toLowerCase());
        if (!pol) throw invalid(`Parameter ${key}: unknown placement policy '${value}' (known: ${POLICIES.join(', ')})`);
        p.placementPolicy = pol; break;
      }
      case 'allowremotevolumeaccess': p.allowRemoteVolumeAccess = bool(key, value); break;
      case 'encryption': p.encryption = bool(key, value); break;
      case 'nodelist': p.nodeList = words(value); break;
      case 'clientlist': p.clientList = words(value); break;
      case 'replicasonsame': p.replicasOnSame = aux(words(value)); break;
      case 'replicasondifferent': p.replicasOnDifferent = aux(words(value)); break;
      case 'disklessonremaining': p.disklessOnRemaining = bool(key, value); break;
      case 'donotplacewithregex': p.doNotPlaceWithRegex = value || undefined; break;
      case 'fsopts': p.fsOpts = value; break;
      case 'mountopts': p.mountOpts = value; break;
      case 'postmountxfsopts': p.postMountXfsOpts = value; break;
      case 'sizekib': case 'usepvcname': break; // accepted by linstor-csi, without effect here
      default: throw invalid(`Unknown parameter '${key}'`);
    }
  }
  // An explicit node or client list is a manual deployment: autoplace options do not apply.
  if (p.nodeList.length + p.clientList.length > 0) {
    p.placementPolicy = 'Manual';
    p.placementCount = 0;
    p.replicasOnSame = [];
    p.replicasOnDifferent = [];
    p.doNotPlaceWithRegex = undefined;
  }
  // Refused here, at CreateVolume, rather than when a node stages the volume.
  checkFsOptions(p);
  if (p.doNotPlaceWithRegex) {
    try { compileUserRegex(p.doNotPlaceWithRegex, 'Parameter doNotPlaceWithRegex'); } catch (e) { throw invalid((e as Error).message); }
  }
  if (!p.resourceGroup) p.resourceGroup = derivedGroupName(p);
  return p;
}

/** Volumes with the same placement settings share one group, named after a hash of them. */
function derivedGroupName(p: VolumeParameters): string {
  const key = JSON.stringify({
    c: p.placementCount, sp: p.storagePool, l: p.layerList, s: p.replicasOnSame, d: p.replicasOnDifferent,
    r: p.doNotPlaceWithRegex, dr: p.disklessOnRemaining, props: Object.entries(p.properties).sort(),
  });
  return `sc-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}

/** The resource group's select filter and props for these parameters. */
export function groupSettings(p: VolumeParameters): { select_filter: Record<string, unknown>; props: Record<string, string> } {
  const sf: Record<string, unknown> = { layer_stack: p.layerList };
  if (p.placementCount > 0) sf.place_count = p.placementCount;
  if (p.storagePool) sf.storage_pool = p.storagePool;
  if (p.replicasOnSame.length) sf.replicas_on_same = p.replicasOnSame;
  if (p.replicasOnDifferent.length) sf.replicas_on_different = p.replicasOnDifferent;
  if (p.doNotPlaceWithRegex) sf.not_place_with_rsc_regex = p.doNotPlaceWithRegex;
  if (p.disklessOnRemaining) sf.diskless_on_remaining = true;
  const props = { ...p.properties };
  if (p.storagePool) props.StorPoolName = p.storagePool;
  return { select_filter: sf, props };
}

/** Remote (diskless) attachment needs a layer that can serve a volume over the network. */
export function canAttachRemotely(p: Pick<VolumeParameters, 'allowRemoteVolumeAccess' | 'layerList'>): boolean {
  return p.allowRemoteVolumeAccess && (p.layerList.includes('DRBD') || p.layerList.includes('NVME'));
}

/** The parameters the node side needs, handed back by the CO in volume_context on stage/publish. */
export function volumeContext(raw: Record<string, string>, p: VolumeParameters): Record<string, string> {
  const ctx: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) ctx[k] = v;
  ctx[`${DRIVER}/layerList`] = p.layerList.join(' ').toLowerCase();
  return ctx;
}

/** Node-side view of volume_context: fsOpts, mountOpts, postMountXfsOpts (any key spelling). */
export function nodeOptions(ctx: Record<string, string> = {}): { fsOpts?: string; mountOpts?: string; postMountXfsOpts?: string } {
  const out: { fsOpts?: string; mountOpts?: string; postMountXfsOpts?: string } = {};
  for (const [k, v] of Object.entries(ctx)) {
    const key = k.startsWith(`${DRIVER}/`) ? k.slice(DRIVER.length + 1).toLowerCase() : k.toLowerCase();
    if (key === 'fsopts') out.fsOpts = v;
    else if (key === 'mountopts') out.mountOpts = v;
    else if (key === 'postmountxfsopts') out.postMountXfsOpts = v;
  }
  return out;
}
