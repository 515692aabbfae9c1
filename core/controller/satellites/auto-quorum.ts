/**
 * Auto-quorum (guide §3.16, `DrbdOptions/auto-quorum`): a DRBD resource with three or more
 * replicas gets `quorum majority` and `on-no-quorum <policy>` in its options; with fewer, quorum
 * is off (two nodes cannot form a majority after losing one). Diskless replicas count: DRBD lets
 * a diskless peer (tie-breaker or client) vote. Policy values: `suspend-io` (default here, the
 * setting LINBIT recommends for VM storage), `io-error`, or `disabled` (LINSTOR touches nothing).
 *
 * Derived when the desired state is built rather than written into the definition's props, so
 * adding or deleting a replica changes it on every peer in the same apply, and an explicit
 * `DrbdOptions/Resource/quorum` / `on-no-quorum` (at any level) always wins.
 */
import type { Props, Resource } from '../../model/types.js';
import { propValue, type PropLevel } from '../../props/resolver.js';

export const KEY_AUTO_QUORUM = 'DrbdOptions/auto-quorum';
export const KEY_QUORUM = 'DrbdOptions/Resource/quorum';
export const KEY_ON_NO_QUORUM = 'DrbdOptions/Resource/on-no-quorum';
export const AUTO_QUORUM_DEFAULT = 'suspend-io';

/** Replicas that count for quorum: every DRBD resource of the definition not being deleted. */
export function quorumVoters(resources: Resource[]): number {
  return resources.filter((r) => !r.flags.includes('DELETE')).length;
}

/**
 * The quorum props to add to a resource's effective props (levels: controller < group <
 * definition < resource), or {} when the user set them or auto-quorum is disabled.
 */
export function autoQuorumProps(levels: PropLevel[], voters: number): Props {
  const policy = (propValue(KEY_AUTO_QUORUM, levels) ?? AUTO_QUORUM_DEFAULT).toLowerCase();
  if (policy === 'disabled') return {};
  const out: Props = {};
  const explicitQuorum = propValue(KEY_QUORUM, levels);
  if (explicitQuorum === undefined) out[KEY_QUORUM] = voters >= 3 ? 'majority' : 'off';
  const quorumOn = (explicitQuorum ?? out[KEY_QUORUM])!.toLowerCase() !== 'off';
  if (quorumOn && propValue(KEY_ON_NO_QUORUM, levels) === undefined) out[KEY_ON_NO_QUORUM] = policy;
  return out;
}
