import type * as api from '../../api/index.js';
import { nameKey } from '../../model/names.js';
import type { ReportedResource } from '../../model/satellite-protocol.js';
import type { LayerKind, Resource, ResourceDefinition } from '../../model/types.js';
import { propChain } from '../../props/chain.js';
import { resolveAll } from '../../props/resolver.js';
import type { Change } from '../state/change-feed.js';
import type { ClusterState } from '../state/cluster-state.js';
import type { RuntimeState } from '../state/runtime.js';
import { compact } from './compact.js';
import { DEFAULT_AL_STRIPE_SIZE_KIB, DEFAULT_AL_STRIPES, DEFAULT_PEER_SLOTS, drbdRscDfnData } from './resource-definitions.js';
import { volumeLayerData, volumeView } from './volumes.js';
import { DFLT_DISKLESS_STOR_POOL, DFLT_STOR_POOL } from '../../model/defaults.js';

function layerObject(rd: ResourceDefinition, rsc: Resource, report: ReportedResource | undefined, i: number): Record<string, unknown> {
  const t: LayerKind = rsc.layerStack[i]!;
  const bottom = i === rsc.layerStack.length - 1;
  const vols = rd.volumeDefinitions.map((vd) => volumeLayerData(rd, rsc, vd, t, report?.volumes.find((v) => v.volumeNumber === vd.volumeNumber), bottom));
  const obj: Record<string, unknown> = { type: t, resource_name_suffix: '' };
  if (!bottom) obj.children = [layerObject(rd, rsc, report, i + 1)];
  if (t === 'DRBD') {
    obj.drbd = compact({
      drbd_resource_definition: drbdRscDfnData(rd),
      node_id: rsc.drbdNodeId,
      // Ports are per node: this resource's own port when it has one, else the definition's.
      tcp_ports: (rsc.drbdPort ?? rd.drbd?.port) !== undefined ? [rsc.drbdPort ?? rd.drbd!.port!] : undefined,
      peer_slots: rd.drbd?.peerSlots ?? DEFAULT_PEER_SLOTS,
      al_stripes: rd.drbd?.alStripes ?? DEFAULT_AL_STRIPES,
      al_size: rd.drbd?.alStripeSizeKib ?? DEFAULT_AL_STRIPE_SIZE_KIB,
      flags: [],
      drbd_volumes: vols,
      connections: report?.drbdConnections,
    });
  } else if (t === 'STORAGE') {
    obj.storage = { storage_volumes: vols };
  } else if (t === 'LUKS') {
    obj.luks = { luks_volumes: vols };
  } else if (t === 'NVME') {
    obj.nvme = { nvme_volumes: vols };
  }
  return obj;
}

/** Effective props of a resource, controller < resource group < definition < resource. */
export function resourceEffectiveProps(state: ClusterState, rd: ResourceDefinition, rsc: Resource): api.EffectivePropertiesMap {
  const rg = state.resourceGroups.get(nameKey(rd.resourceGroup));
  const resolved = resolveAll(propChain({ controller: state.ctrlProps, resourceGroup: rg, resourceDefinition: rd, resource: rsc }));
  const out: api.EffectivePropertiesMap = {};
  for (const [k, r] of resolved) {
    out[k] = compact({ type: r.level, value: r.value, other: r.overridden.map((o) => ({ type: o.level, value: o.value })) });
  }
  return out;
}

export function resourceView(state: ClusterState, runtime: RuntimeState, rd: ResourceDefinition, rsc: Resource): api.Resource {
  const report = runtime.resources.get(`${nameKey(rsc.name)}/${nameKey(rsc.nodeName)}`);
  return compact({
    name: rsc.name,
    node_name: rsc.nodeName,
    props: rsc.props,
    flags: rsc.flags,
    layer_object: rsc.layerStack.length ? layerObject(rd, rsc, report, 0) : undefined,
    // The real client's `resource involved` reads state.in_use of every resource: unknown is false.
    state: { in_use: report?.inUse ?? false },
    uuid: rsc.uuid,
    create_timestamp: rsc.createTimestamp,
    effective_props: resourceEffectiveProps(state, rd, rsc),
  });
}

/**
 * Every object a resource's view reads, for cachedJsonWithDeps: the definition, its group,
 * the controller props, the satellite's report and the storage pools of its volumes.
 */
export function resourceViewDeps(state: ClusterState, runtime: RuntimeState, rd: ResourceDefinition, rsc: Resource): unknown[] {
  const nodeKey = nameKey(rsc.nodeName);
  const deps: unknown[] = [
    rd, state.resourceGroups.get(nameKey(rd.resourceGroup)), state.controllerProps.get('props'),
    runtime.resources.get(`${nameKey(rsc.name)}/${nodeKey}`),
  ];
  for (const v of Object.values(rsc.volumes)) if (v.storagePool) deps.push(state.storagePools.get(`${nodeKey}/${nameKey(v.storagePool)}`));
  deps.push(state.storagePools.get(`${nodeKey}/${nameKey(DFLT_STOR_POOL)}`), state.storagePools.get(`${nodeKey}/${nameKey(DFLT_DISKLESS_STOR_POOL)}`));
  return deps;
}

/**
 * The resources (keys RD/NODE) whose view a change can alter, beyond the resource row itself:
 * the same inputs as resourceViewDeps, seen from the other side. 'all' for inputs every view
 * reads (controller props, resource groups).
 */
export function resourceViewAffected(state: ClusterState, change: Change): Iterable<string> | 'all' {
  switch (change.table) {
    case 'resources': case 'runtime.resources':
      return [change.key];
    case 'resource_definitions':
      return keysOf(state.resources.withSegment(0, change.key));
    case 'storage_pools':
      return keysOf(state.resources.withSegment(1, change.key.split('/')[0]!));
    case 'resource_groups': case 'controller_props':
      return 'all';
    default:
      return [];
  }
}

function keysOf(resources: Iterable<Resource>): string[] {
  return [...resources].map((r) => `${nameKey(r.name)}/${nameKey(r.nodeName)}`);
}

/** ResourceWithVolumes, as /v1/view/resources returns it. */
export function resourceWithVolumesView(state: ClusterState, runtime: RuntimeState, rd: ResourceDefinition, rsc: Resource): api.ResourceWithVolumes {
  const report = runtime.resources.get(`${nameKey(rsc.name)}/${nameKey(rsc.nodeName)}`);
  return compact({
    ...resourceView(state, runtime, rd, rsc),
    volumes: rd.volumeDefinitions.map((vd) => volumeView(state, rd, rsc, vd, report)),
  });
}
