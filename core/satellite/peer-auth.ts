/**
 * The satellite's half of pairing (core/model/pairing.ts), per connection: hello → auth →
 * ready. A peer gets no desired state applied and no request answered before it is ready,
 * and a peer of another cluster is refused until the operator resets the pairing.
 */
import type { ControllerMessage, RefusalReason, SatelliteIdentity } from '../model/satellite-protocol.js';
import { controllerProof, isToken, keyIdOf, newNodeKey, newNonce, proofMatches, satelliteProof } from '../model/pairing.js';
import type { PairingStore } from './pairing-store.js';

export interface PeerState {
  phase: 'hello' | 'auth' | 'ready';
  clusterId?: string;
  controllerNonce?: string;
  satelliteNonce?: string;
  nodeKey?: string;
  /** The key was made for this connection: pin the cluster once the controller proves it has it. */
  firstContact?: boolean;
}

export interface Refusal { reason: RefusalReason; message: string }

export const newPeer = (): PeerState => ({ phase: 'hello' });

type Hello = Extract<ControllerMessage, { type: 'hello' }>;

/** Answers a controller's hello: the satellite's identity, or a refusal. */
export function answerHello(store: PairingStore, peer: PeerState, msg: Hello): { nonce: string; identity: SatelliteIdentity } | Refusal {
  if (!isToken(msg.clusterId) || !isToken(msg.nonce)) {
    return { reason: 'AUTHENTICATION_ERROR', message: 'The hello carries no cluster id and nonce (a controller of an older version?).' };
  }
  const pairing = store.get();
  if (pairing && pairing.clusterId !== msg.clusterId) {
    return {
      reason: 'OTHER_CONTROLLER',
      message: `This satellite serves another LINSTOR cluster (${pairing.clusterId}) since ${pairing.pairedAt}. `
        + 'To move it to this controller, run "linstor-satellite --reset-pairing" on the satellite and restart it.',
    };
  }
  peer.clusterId = msg.clusterId;
  peer.controllerNonce = msg.nonce;
  peer.satelliteNonce = newNonce();
  peer.phase = 'auth';
  if (pairing) {
    peer.nodeKey = pairing.nodeKey;
    peer.firstContact = false;
    return {
      nonce: peer.satelliteNonce,
      identity: { keyId: keyIdOf(pairing.nodeKey), proof: satelliteProof(pairing.nodeKey, msg.clusterId, msg.nonce, peer.satelliteNonce) },
    };
  }
  peer.nodeKey = newNodeKey();
  peer.firstContact = true;
  return { nonce: peer.satelliteNonce, identity: { keyId: keyIdOf(peer.nodeKey), nodeKey: peer.nodeKey } };
}

/** Checks the controller's proof; at first contact pins the cluster on disk. */
export function checkAuth(store: PairingStore, peer: PeerState, proof: unknown, controllerAddress: string): Refusal | undefined {
  if (peer.phase !== 'auth' || !peer.nodeKey || !peer.clusterId || !peer.controllerNonce || !peer.satelliteNonce) {
    return { reason: 'AUTHENTICATION_ERROR', message: 'auth before hello' };
  }
  if (!proofMatches(controllerProof(peer.nodeKey, peer.clusterId, peer.controllerNonce, peer.satelliteNonce), proof)) {
    return { reason: 'AUTHENTICATION_ERROR', message: 'The controller could not prove it holds this node\'s key.' };
  }
  if (peer.firstContact) {
    // Another controller may have paired in between: the first pin wins.
    const now = store.get();
    if (now && now.clusterId !== peer.clusterId) return { reason: 'OTHER_CONTROLLER', message: `This satellite was just paired with cluster ${now.clusterId}.` };
    if (!now) store.pin({ clusterId: peer.clusterId, nodeKey: peer.nodeKey, pairedAt: new Date().toISOString(), controllerAddress });
    else if (now.nodeKey !== peer.nodeKey) return { reason: 'AUTHENTICATION_ERROR', message: 'This satellite was just paired on another connection; reconnect.' };
  }
  peer.phase = 'ready';
  return undefined;
}
