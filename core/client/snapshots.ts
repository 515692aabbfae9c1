import { seg, type Transport } from './http.js';
import type { ApiCallRc, CreateMultiSnapshotRequest, ListQuery, Snapshot, SnapshotRestore, SnapshotRollback } from './types.js';

const rd = (r: string): string => `/v1/resource-definitions/${seg(r)}`;

export class SnapshotsApi {
  constructor(private readonly t: Transport) {}
  /** All snapshots (`/v1/view/snapshots`). */
  view(q: Pick<ListQuery, 'nodes' | 'resources' | 'offset' | 'limit'> = {}): Promise<Snapshot[]> { return this.t.get('/v1/view/snapshots', { ...q }); }
  list(rsc: string): Promise<Snapshot[]> { return this.t.get(`${rd(rsc)}/snapshots`); }
  get(rsc: string, snap: string): Promise<Snapshot> { return this.t.get(`${rd(rsc)}/snapshots/${seg(snap)}`); }
  create(rsc: string, snap: string, nodes?: string[]): Promise<ApiCallRc[]> { return this.t.post(`${rd(rsc)}/snapshots`, { name: snap, ...(nodes?.length ? { nodes } : {}) }, undefined, (t) => t.exists(`${rd(rsc)}/snapshots/${seg(snap)}`)); }
  createMulti(req: CreateMultiSnapshotRequest): Promise<ApiCallRc[]> { return this.t.post('/v1/actions/snapshot/multi', req); }
  delete(rsc: string, snap: string, nodes?: string[]): Promise<ApiCallRc[]> {
    // Deleting on some nodes only cannot be told from the state afterwards: no check then.
    return this.t.delete(`${rd(rsc)}/snapshots/${seg(snap)}`, nodes?.length ? { nodes } : undefined, nodes?.length ? undefined : async (t) => !(await t.exists(`${rd(rsc)}/snapshots/${seg(snap)}`)));
  }
  rollback(rsc: string, snap: string, req: SnapshotRollback = {}): Promise<ApiCallRc[]> { return this.t.post(`${rd(rsc)}/snapshot-rollback/${seg(snap)}`, req); }
  /** Creates resources of `to_resource` from the snapshot. */
  restoreResource(rsc: string, snap: string, req: SnapshotRestore): Promise<ApiCallRc[]> { return this.t.post(`${rd(rsc)}/snapshot-restore-resource/${seg(snap)}`, req); }
  /** Creates the volume definitions of `to_resource` from the snapshot. */
  restoreVolumeDefinition(rsc: string, snap: string, req: SnapshotRestore): Promise<ApiCallRc[]> { return this.t.post(`${rd(rsc)}/snapshot-restore-volume-definition/${seg(snap)}`, req); }
}
