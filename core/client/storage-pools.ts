import { seg, type Transport } from './http.js';
import type { ApiCallRc, ListQuery, PropsModify, StoragePool, StoragePoolDefinition } from './types.js';

export class StoragePoolsApi {
  constructor(private readonly t: Transport) {}
  /** Cluster-wide list (`/v1/view/storage-pools`), what `linstor sp l` shows. */
  list(q: Pick<ListQuery, 'nodes' | 'storage_pools' | 'props' | 'offset' | 'limit' | 'cached'> = {}): Promise<StoragePool[]> { return this.t.get('/v1/view/storage-pools', { ...q }); }
  listOnNode(node: string, q: Pick<ListQuery, 'storage_pools' | 'cached'> = {}): Promise<StoragePool[]> { return this.t.get(`/v1/nodes/${seg(node)}/storage-pools`, { ...q }); }
  get(node: string, pool: string): Promise<StoragePool> { return this.t.get(`/v1/nodes/${seg(node)}/storage-pools/${seg(pool)}`); }
  create(node: string, pool: StoragePool): Promise<ApiCallRc[]> { return this.t.post(`/v1/nodes/${seg(node)}/storage-pools`, pool); }
  modify(node: string, pool: string, m: PropsModify): Promise<ApiCallRc[]> { return this.t.put(`/v1/nodes/${seg(node)}/storage-pools/${seg(pool)}`, m); }
  delete(node: string, pool: string): Promise<ApiCallRc[]> { return this.t.delete(`/v1/nodes/${seg(node)}/storage-pools/${seg(pool)}`); }

  listDefinitions(): Promise<StoragePoolDefinition[]> { return this.t.get('/v1/storage-pool-definitions'); }
  getDefinition(pool: string): Promise<StoragePoolDefinition> { return this.t.get(`/v1/storage-pool-definitions/${seg(pool)}`); }
  createDefinition(d: StoragePoolDefinition): Promise<ApiCallRc[]> { return this.t.post('/v1/storage-pool-definitions', d); }
  modifyDefinition(pool: string, m: PropsModify): Promise<ApiCallRc[]> { return this.t.put(`/v1/storage-pool-definitions/${seg(pool)}`, m); }
  deleteDefinition(pool: string): Promise<ApiCallRc[]> { return this.t.delete(`/v1/storage-pool-definitions/${seg(pool)}`); }
}
