import type {
  DesiredDrbdPeer, DesiredNodeState, DesiredResource, DesiredStoragePool, DesiredVolume,
} from '../../model/satellite-protocol.js';
import { nameKey } from '../../model/names.js';
import type { LayerKind, Node, Resource, ResourceConnectionRow, ResourceDefinition, ResourceGroup } from '../../model/types.js';
import { FLAG_LOCAL_DRBD_PROXY } from '../../model/drbd-proxy-options.js';
import { sharedSpaceOf } from '../../model/shared-space.js';
import { volumeSharedSpace } from '../state/shared-resources.js';
import { isDisklessResource } from '../../model/resource-flags.js';
import { propChain } from '../../props/chain.js';
import { mergeProps, propValue } from '../../props/resolver.js';
import { autoQuorumProps, quorumVoters } from './auto-quorum.js';
import { volumeQos } from './volume-qos.js';
import { desiredExtFiles } from '../ext-files/desired.js';
import { getVolumeKey } from '../encryption/index.js';
import { desiredSnapshots } from '../snapshots/desired.js';
import type { ClusterState } from '../state/cluster-state.js';
import { volumeStoragePool } from '../state/volume-pool.js';
import { DFLT_DISKLESS_STOR_POOL } from '../../model/defaults.js';

const DEFAULT_PEER_SLOTS = 7;

/** The few runtime facts the desired state needs (peers' `uname -n`); pure otherwise. */
export interface DesiredStateHints {
  unameOf?: (nodeKey: string) => string | undefined;
}

/**
 * The full desired state of one node, computed from the cluster state alone: its storage
 * pools and its resources with every property already resolved, so the satellite never
 * needs to know about groups, definitions or inheritance.
 */
export function desiredNodeState(state: ClusterState, nodeKey: string, hints: DesiredStateHints = {}): DesiredNodeState | undefined {
  const node = state.nodes.get(nodeKey);
  if (!node) return undefined;
  const resources: DesiredResource[] = [];
  for (const r of state.resources.withSegment(1, nodeKey)) {
    const rd = state.resourceDefinitions.get(nameKey(r.name));
    if (!rd) continue;
    resources.push(desiredResource(state, node, r, rd, hints));
  }
  resources.sort((a, b) => a.name.localeCompare(b.name));
  return {
    nodeName: node.name,
    props: mergeProps(propChain({ controller: state.ctrlProps, node })),
    storagePools: desiredStoragePools(state, nodeKey),
    resources,
    snapshots: desiredSnapshots(state, nodeKey),
    extFiles: desiredExtFiles(state, nodeKey),
  };
}

/** The node's storage pools with their effective props (always with the diskless pool). */
export function desiredStoragePools(state: ClusterState, nodeKey: string): DesiredStoragePool[] {
  const node = state.nodes.get(nodeKey);
  const storagePools: DesiredStoragePool[] = [];
  for (const sp of state.storagePools.withPrefix(`${nodeKey}/`)) {
    const spd = state.storagePoolDefinitions.get(nameKey(sp.name));
    const space = sharedSpaceOf(sp);
    storagePools.push({
      name: sp.name,
      providerKind: sp.providerKind,
      props: mergeProps(propChain({ controller: state.ctrlProps, node, storagePoolDefinition: spd, storagePool: sp })),
      ...(space ? { sharedSpace: space, externalLocking: sp.externalLocking ?? false } : {}),
    });
  }
  // Every node has the diskless pool in LINSTOR; diskless volumes name it.
  if (!storagePools.some((p) => nameKey(p.name) === nameKey(DFLT_DISKLESS_STOR_POOL))) {
    storagePools.push({ name: DFLT_DISKLESS_STOR_POOL, providerKind: 'DISKLESS', props: {} });
  }
  return storagePools.sort((a, b) => a.name.localeCompare(b.name));
}

/** The resource of definition `rdKey` on the node as the satellite must have it; undefined: none. */
export function desiredResourceOn(state: ClusterState, nodeKey: string, rdKey: string, hints: DesiredStateHints = {}): DesiredResource | undefined {
  const node = state.nodes.get(nodeKey);
  const r = state.resources.get(`${rdKey}/${nodeKey}`);
  const rd = state.resourceDefinitions.get(rdKey);
  return node && r && rd ? desiredResource(state, node, r, rd, hints) : undefined;
}

function desiredResource(state: ClusterState, node: Node, r: Resource, rd: ResourceDefinition, hints: DesiredStateHints): DesiredResource {
  const rg: ResourceGroup | undefined = state.resourceGroups.get(nameKey(rd.resourceGroup));
  const rscLevels = propChain({ controller: state.ctrlProps, resourceGroup: rg, resourceDefinition: rd, resource: r });
  const flags = [...r.flags];
  // A definition being deleted takes all its resources with it.
  if (rd.flags.includes('DELETE') && !flags.includes('DELETE')) flags.push('DELETE');
  const layerStack: LayerKind[] = r.layerStack.length ? r.layerStack : rd.layerStack.length ? rd.layerStack : ['DRBD', 'STORAGE'];
  const luks = layerStack.includes('LUKS');

  const volumes: DesiredVolume[] = [];
  for (const vd of [...rd.volumeDefinitions].sort((a, b) => a.volumeNumber - b.volumeNumber)) {
    if (vd.flags.includes('DELETE')) continue;
    const vg = rg ? state.volumeGroups.get(`${nameKey(rg.name)}/${vd.volumeNumber}`) : undefined;
    const vlm = r.volumes[String(vd.volumeNumber)];
    const storagePool = volumeStoragePool(state, r, rd, vd);
    const qos = volumeQos(state, node, r, rd, rg, vd, storagePool);
    volumes.push({
      volumeNumber: vd.volumeNumber,
      sizeKib: vd.sizeKib,
      storagePool,
      props: mergeProps(propChain({ volumeGroup: vg, volumeDefinition: vd, volume: vlm })),
      ...(flags.includes('DELETE') && sharedElsewhere(state, r, rd, vd.volumeNumber, storagePool) ? { keepShared: true } : {}),
      ...((vlm?.minorNumber ?? vd.minorNumber) !== undefined ? { minorNumber: vlm?.minorNumber ?? vd.minorNumber } : {}),
      // Without the key (controller locked) the satellite's LUKS layer refuses the volume with that reason.
      ...(luks ? withKey(state, rd.name, vd.volumeNumber) : {}),
      ...(qos ? { qos } : {}),
    });
  }

  const out: DesiredResource = { name: rd.name, layerStack, flags, props: mergeProps(rscLevels), volumes };
  if (layerStack.includes('DRBD')) {
    out.drbd = drbdData(state, node, r, rd, rg, hints);
    const voters = quorumVoters([...state.resources.withPrefix(`${nameKey(rd.name)}/`)]);
    out.props = { ...out.props, ...autoQuorumProps(rscLevels, voters) };
  }
  return out;
}

function withKey(state: ClusterState, rd: string, vlmNr: number): Pick<DesiredVolume, 'luks'> {
  const key = getVolumeKey({ state }, rd, vlmNr);
  return key !== undefined ? { luks: { key } } : {};
}

/** The address a node is reached at: the PrefNic interface if it exists, else the active one. */
export function nodeAddress(node: Node, prefNic?: string): string | undefined {
  const byName = (n?: string) => (n ? node.netInterfaces.find((i) => nameKey(i.name) === nameKey(n)) : undefined);
  return (byName(prefNic) ?? byName(node.activeNetInterface) ?? node.netInterfaces[0])?.address;
}

function netInterfaceMap(node: Node): Record<string, string> {
  return Object.fromEntries(node.netInterfaces.map((i) => [i.name, i.address]));
}

function drbdData(state: ClusterState, node: Node, r: Resource, rd: ResourceDefinition, rg: ResourceGroup | undefined, hints: DesiredStateHints): NonNullable<DesiredResource['drbd']> {
  const ctrl = state.ctrlProps;
  const prefNicOf = (n: Node, res: Resource) => propValue('PrefNic', propChain({
    controller: ctrl, node: n, resourceGroup: rg, resourceDefinition: rd, resource: res,
  }));
  const hostNameOf = (n: Node) => {
    const uname = hints.unameOf?.(nameKey(n.name));
    return uname && uname !== n.name ? uname : undefined;
  };
  const siblings = [...state.resources.withPrefix(`${nameKey(rd.name)}/`)];
  // Resources created before node ids were assigned get one by creation order.
  const byAge = [...siblings].sort((a, b) => a.createTimestamp - b.createTimestamp);
  const nodeIdOf = (res: Resource) => res.drbdNodeId ?? byAge.indexOf(res);
  const peers: DesiredDrbdPeer[] = [];
  for (const p of siblings) {
    if (nameKey(p.nodeName) === nameKey(node.name)) continue;
    // Only resources with a DRBD layer are DRBD peers (a STORAGE-only replica has no node id).
    if (!(p.layerStack.length ? p.layerStack : rd.layerStack).includes('DRBD')) continue;
    const pn = state.nodes.get(nameKey(p.nodeName));
    if (!pn) continue;
    const rscConns = [...state.resourceConnections.values()].filter((c) => nameKey(c.resource) === nameKey(rd.name) && samePair(c.nodeA, c.nodeB, node.name, pn.name));
    const connectionProps = mergeProps(propChain({
      nodeConnection: [...state.nodeConnections.values()].filter((c) => samePair(c.nodeA, c.nodeB, node.name, pn.name)),
      resourceConnection: rscConns,
    }));
    const proxy = proxyOf(rscConns[0]);
    const hostName = hostNameOf(pn);
    peers.push({
      nodeName: pn.name,
      nodeId: nodeIdOf(p),
      address: nodeAddress(pn, prefNicOf(pn, p)) ?? '',
      // Each peer listens on its own port (per-node numbers, see services/numbers.ts).
      port: p.drbdPort ?? rd.drbd?.port ?? 0,
      diskless: isDisklessResource(p.flags),
      connectionProps,
      ...(hostName ? { hostName } : {}),
      netInterfaces: netInterfaceMap(pn),
      flags: [...p.flags],
      ...(proxy ? { proxy } : {}),
    });
  }
  peers.sort((a, b) => a.nodeId - b.nodeId);
  const hostName = hostNameOf(node);
  return {
    nodeId: nodeIdOf(r),
    port: r.drbdPort ?? rd.drbd?.port ?? 0,
    ...(rd.drbd?.secret ? { secret: rd.drbd.secret } : {}),
    peerSlots: rd.drbd?.peerSlots ?? rg?.peerSlots ?? DEFAULT_PEER_SLOTS,
    peers,
    address: nodeAddress(node, prefNicOf(node, r)),
    ...(hostName ? { hostName } : {}),
    netInterfaces: netInterfaceMap(node),
    ...(rd.drbd?.alStripes !== undefined ? { alStripes: rd.drbd.alStripes } : {}),
    ...(rd.drbd?.alStripeSizeKib !== undefined ? { alStripeSizeKib: rd.drbd.alStripeSizeKib } : {}),
  };
}

/** A connection through DRBD Proxy (core/controller/drbd-proxy): its port on both hosts. */
function proxyOf(c: ResourceConnectionRow | undefined): { port: number } | undefined {
  return c?.flags?.includes(FLAG_LOCAL_DRBD_PROXY) && c.port !== undefined ? { port: c.port } : undefined;
}

/**
 * Whether another live resource of the definition has this volume in the same shared space
 * (the one volume all its nodes see): then deleting this resource must not destroy it.
 */
function sharedElsewhere(state: ClusterState, r: Resource, rd: ResourceDefinition, vlmNr: number, pool: string): boolean {
  const mine = state.storagePools.get(`${nameKey(r.nodeName)}/${nameKey(pool)}`);
  const space = mine ? sharedSpaceOf(mine) : undefined;
  if (!space) return false;
  for (const other of state.resources.withPrefix(`${nameKey(rd.name)}/`)) {
    if (nameKey(other.nodeName) === nameKey(r.nodeName) || other.flags.includes('DELETE')) continue;
    const vd = rd.volumeDefinitions.find((v) => v.volumeNumber === vlmNr);
    if (!vd) continue;
    if (volumeSharedSpace(state, other, rd, vd) === space) return true;
  }
  return false;
}

function samePair(a: string, b: string, x: string, y: string): boolean {
  const [ka, kb, kx, ky] = [a, b, x, y].map(nameKey);
  return (ka === kx && kb === ky) || (ka === ky && kb === kx);
}
