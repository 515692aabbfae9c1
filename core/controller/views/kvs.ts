import type * as api from '../../api/index.js';
import type { KeyValueStore } from '../../model/types.js';

/** KeyValueStore on the wire. LINSTOR sends props even when empty for a KVS, so no compaction. */
export function kvsView(k: KeyValueStore): api.KeyValueStore {
  return { name: k.name, props: k.props };
}
