import { Errors } from '../model/errors.js';
import { nameKey } from '../model/names.js';
import type { Node, Resource, ResourceDefinition, ResourceGroup, StoragePool, StoragePoolDefinition, VolumeDefinition } from '../model/types.js';
import type { ClusterState } from './state/cluster-state.js';

/**
 * Loads an object by its user-given name or answers LINSTOR's "not found" error (HTTP 404).
 * The error names no object type: the operation's type completes the code, as in LINSTOR
 * (storage-pool create on a missing node is STOR_POOL | CRT | FAIL_NOT_FOUND_NODE).
 */
export function getNode(state: ClusterState, name: string): Node {
  const n = state.nodes.get(nameKey(name));
  if (!n) throw Errors.notFound('FAIL_NOT_FOUND_NODE', 'Node', name, { objRefs: { Node: name } });
  return n;
}

export function getResourceDefinition(state: ClusterState, name: string): ResourceDefinition {
  const rd = state.resourceDefinitions.get(nameKey(name));
  if (!rd) throw Errors.notFound('FAIL_NOT_FOUND_RSC_DFN', 'Resource definition', name, { objRefs: { RscDfn: name } });
  return rd;
}

export function getResourceGroup(state: ClusterState, name: string): ResourceGroup {
  const rg = state.resourceGroups.get(nameKey(name));
  if (!rg) throw Errors.notFound('FAIL_NOT_FOUND_RSC_GRP', 'Resource group', name, { objRefs: { RscGrp: name } });
  return rg;
}

export function getStoragePoolDefinition(state: ClusterState, name: string): StoragePoolDefinition {
  const d = state.storagePoolDefinitions.get(nameKey(name));
  if (!d) throw Errors.notFound('FAIL_NOT_FOUND_STOR_POOL_DFN', 'Storage pool definition', name, { objRefs: { StorPool: name } });
  return d;
}

export function storagePoolKey(node: string, pool: string): string {
  return `${nameKey(node)}/${nameKey(pool)}`;
}

export function getStoragePool(state: ClusterState, node: string, pool: string): StoragePool {
  getNode(state, node);
  const sp = state.storagePools.get(storagePoolKey(node, pool));
  if (!sp) throw Errors.notFound('FAIL_NOT_FOUND_STOR_POOL', 'Storage pool', pool, { objRefs: { Node: node, StorPool: pool } });
  return sp;
}

export function resourceKey(rd: string, node: string): string {
  return `${nameKey(rd)}/${nameKey(node)}`;
}

export function getResource(state: ClusterState, rd: string, node: string): Resource {
  getResourceDefinition(state, rd);
  const r = state.resources.get(resourceKey(rd, node));
  if (!r) throw Errors.notFound('FAIL_NOT_FOUND_RSC', 'Resource', `${rd}' on node '${node}`, { objRefs: { RscDfn: rd, Node: node } });
  return r;
}

export function getVolumeDefinition(rd: ResourceDefinition, vlmNr: number): VolumeDefinition {
  const vd = rd.volumeDefinitions.find((v) => v.volumeNumber === vlmNr);
  if (!vd) throw Errors.notFound('FAIL_NOT_FOUND_VLM_DFN', 'Volume definition', `${rd.name}/${vlmNr}`, { objRefs: { RscDfn: rd.name, VlmNr: String(vlmNr) } });
  return vd;
}

/** Resources of one resource definition (key prefix "RD/"). */
export function resourcesOf(state: ClusterState, rdName: string): Resource[] {
  return [...state.resources.withPrefix(`${nameKey(rdName)}/`)];
}

/** Resources placed on one node. */
export function resourcesOnNode(state: ClusterState, nodeName: string): Resource[] {
  const k = nameKey(nodeName);
  return [...state.resources.withSegment(1, k)];
}
