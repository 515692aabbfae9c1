/**
 * The controller's half of pairing (core/model/pairing.ts): the cluster id it presents, and
 * per node the key its satellite handed over at first contact. Kept in the `secrets` table:
 *   cluster/id                 the cluster id (made once, at the first start)
 *   satellite-key/<keyId>      { nodeKey, node }   node = nameKey of the node, null once retired
 * A deleted node's key is retired, not dropped, so the same machine can be registered again;
 * `linstor node reset-pairing` drops it for good (a reinstalled satellite).
 */
import { keyIdOf, newClusterId, proofMatches, satelliteProof, isToken } from '../../model/pairing.js';
import type { SatelliteHello } from '../../model/satellite-protocol.js';
import type { ClusterState, Transaction } from '../state/cluster-state.js';
import type { HelloVerdict } from './connection.js';

const CLUSTER_ROW = 'cluster/id';
const KEY_PREFIX = 'satellite-key/';

export interface KeyRecord { nodeKey: string; node: string | null; pairedAt: number }

export async function ensureClusterId(state: ClusterState): Promise<string> {
  return state.mutate((tx) => {
    const have = state.secrets.get(CLUSTER_ROW);
    if (typeof have === 'string') return have;
    const id = newClusterId();
    tx.put(state.secrets, CLUSTER_ROW, id);
    return id;
  });
}

function keys(state: ClusterState): Array<[string, KeyRecord]> {
  return [...state.secrets.entries()]
    .filter(([k]) => k.startsWith(KEY_PREFIX))
    .map(([k, v]) => [k.slice(KEY_PREFIX.length), v as KeyRecord]);
}

/** The key a node is paired with (nodeKey is the node's nameKey). */
export function pairedKey(state: ClusterState, nodeKey: string): { keyId: string; rec: KeyRecord } | undefined {
  const hit = keys(state).find(([, r]) => r.node === nodeKey);
  return hit ? { keyId: hit[0], rec: hit[1] } : undefined;
}

export const isPaired = (state: ClusterState, nodeKey: string): boolean => pairedKey(state, nodeKey) !== undefined;

/**
 * Does this hello come from the node's own satellite? With a key on file only the proof of
 * that key passes. Without one, a first-contact key is taken (and stored by `bindKey`), or a
 * retired key of ours is adopted; a key bound to another node never is.
 * `adopt` (first contact, retired key) is false for probes, which must prove a known key.
 */
export function judgeHello(state: ClusterState, nodeKey: string, clusterId: string, controllerNonce: string, hello: SatelliteHello, adopt = true):
  HelloVerdict & { bind?: { keyId: string; nodeKey: string } } {
  const name = state.nodes.get(nodeKey)?.name ?? nodeKey;
  const id = hello.identity;
  if (!id || !isToken(id.keyId) || !isToken(hello.nonce)) {
    return { ok: false, status: 'AUTHENTICATION_ERROR', reason: `The satellite of node '${name}' did not identify itself (a satellite of an older version?).` };
  }
  const mine = pairedKey(state, nodeKey);
  if (id.nodeKey !== undefined) {
    if (mine) {
      return { ok: false, status: 'AUTHENTICATION_ERROR', reason: `The satellite answering for node '${name}' offers a new identity, but the node is paired with another. `
        + `If that satellite was reinstalled, run "linstor node reset-pairing ${name}".` };
    }
    if (!adopt) return { ok: false, status: 'AUTHENTICATION_ERROR', reason: `Node '${name}' is not paired yet.` };
    if (!isToken(id.nodeKey) || keyIdOf(id.nodeKey) !== id.keyId) return { ok: false, status: 'AUTHENTICATION_ERROR', reason: 'The satellite offered a malformed key.' };
    return { ok: true, nodeKey: id.nodeKey, bind: { keyId: id.keyId, nodeKey: id.nodeKey } };
  }
  const known = mine && mine.keyId === id.keyId ? mine.rec : undefined;
  const retired = !mine && adopt ? keys(state).find(([k, r]) => k === id.keyId && (r.node === null || !state.nodes.has(r.node)))?.[1] : undefined;
  const rec = known ?? retired;
  if (!rec || !proofMatches(satelliteProof(rec.nodeKey, clusterId, controllerNonce, hello.nonce!), id.proof)) {
    return { ok: false, status: 'AUTHENTICATION_ERROR', reason: mine
      ? `The satellite answering for node '${name}' is not the one the node is paired with.`
      : `The satellite answering for node '${name}' is paired with this cluster under a key this controller does not hold; `
        + 'run "linstor-satellite --reset-pairing" on it and restart it.' };
  }
  return { ok: true, nodeKey: rec.nodeKey, ...(retired ? { bind: { keyId: id.keyId, nodeKey: rec.nodeKey } } : {}) };
}

/** Binds a key to a node (first contact or an adopted retired key). */
export async function bindKey(state: ClusterState, nodeKey: string, bind: { keyId: string; nodeKey: string }): Promise<void> {
  await state.mutate((tx) => {
    if (!state.nodes.has(nodeKey)) return;
    const rec: KeyRecord = { nodeKey: bind.nodeKey, node: nodeKey, pairedAt: Date.now() };
    tx.put(state.secrets, `${KEY_PREFIX}${bind.keyId}`, rec);
  });
}

/** Node deleted: its key stays known but belongs to no node. */
export function retireNodeKey(state: ClusterState, tx: Transaction, nodeKey: string): void {
  const p = pairedKey(state, nodeKey);
  if (p) tx.put(state.secrets, `${KEY_PREFIX}${p.keyId}`, { ...p.rec, node: null });
}

/** `node reset-pairing`: the node's key is forgotten; the next satellite to answer pairs anew. */
export function forgetNodeKey(state: ClusterState, tx: Transaction, nodeKey: string): boolean {
  const p = pairedKey(state, nodeKey);
  if (p) tx.delete(state.secrets, `${KEY_PREFIX}${p.keyId}`);
  return p !== undefined;
}
