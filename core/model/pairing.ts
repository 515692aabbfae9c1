/**
 * Pairing between a controller's cluster and a satellite, used by both ends of the link.
 *
 * At first contact an unpaired satellite makes a random node key and hands it to the
 * controller in its hello; the controller keeps it for that node, and the satellite pins the
 * cluster id on its disk once the controller has proven it holds the key. From then on the
 * key never travels again: each connection is a challenge/response with fresh nonces, each
 * side proving the key with an HMAC. A listener that does not hold the node's key (someone
 * else's machine behind a changed net-interface address) cannot produce the satellite's
 * proof, and a peer that is not the paired controller cannot produce the controller's.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const newNonce = (): string => randomBytes(16).toString('hex');
export const newNodeKey = (): string => randomBytes(32).toString('base64');
export const newClusterId = (): string => randomBytes(16).toString('hex');

/** A short public name for a node key (lets the controller find a key it already knows). */
export function keyIdOf(nodeKey: string): string {
  return createHash('sha256').update(`linstor-ts node key\n${nodeKey}`).digest('hex').slice(0, 32);
}

function proof(role: 'satellite' | 'controller', nodeKey: string, clusterId: string, controllerNonce: string, satelliteNonce: string): string {
  return createHmac('sha256', Buffer.from(nodeKey, 'base64'))
    .update(`${role}\n${clusterId}\n${controllerNonce}\n${satelliteNonce}`).digest('hex');
}

export const satelliteProof = (nodeKey: string, clusterId: string, controllerNonce: string, satelliteNonce: string): string =>
  proof('satellite', nodeKey, clusterId, controllerNonce, satelliteNonce);

export const controllerProof = (nodeKey: string, clusterId: string, controllerNonce: string, satelliteNonce: string): string =>
  proof('controller', nodeKey, clusterId, controllerNonce, satelliteNonce);

/** Constant-time comparison of two hex proofs. */
export function proofMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(given));
}

/** Ids and nonces arrive from the network: only short hex/base64 tokens are accepted. */
export const isToken = (v: unknown, max = 128): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= max && /^[A-Za-z0-9+/=_-]+$/.test(v);

/**
 * The identity fields of a satellite hello for `nodeKey`: handed over at first contact,
 * proven afterwards. The satellite builds them in core/satellite/peer-auth.ts; doubles of a
 * satellite (benchmarks, protocol tests) call this.
 */
export function helloIdentity(nodeKey: string, firstContact: boolean, clusterId: string, controllerNonce: string): { nonce: string; identity: { keyId: string; nodeKey?: string; proof?: string } } {
  const nonce = newNonce();
  const keyId = keyIdOf(nodeKey);
  return firstContact
    ? { nonce, identity: { keyId, nodeKey } }
    : { nonce, identity: { keyId, proof: satelliteProof(nodeKey, clusterId, controllerNonce, nonce) } };
}
