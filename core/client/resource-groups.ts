import { seg, type Transport } from './http.js';
import type {
  ApiCallRc, AutoSelectFilter, ListQuery, MaxVolumeSizes, QueryAllSizeInfoResponse, QuerySizeInfoRequest,
  QuerySizeInfoResponse, ResourceGroup, ResourceGroupModify, ResourceGroupSpawn, VolumeGroup, VolumeGroupModify,
} from './types.js';

export class ResourceGroupsApi {
  constructor(private readonly t: Transport) {}
  list(q: Pick<ListQuery, 'resource_groups' | 'props' | 'offset' | 'limit'> = {}): Promise<ResourceGroup[]> { return this.t.get('/v1/resource-groups', { ...q }); }
  get(rg: string): Promise<ResourceGroup> { return this.t.get(`/v1/resource-groups/${seg(rg)}`); }
  create(rg: ResourceGroup): Promise<ApiCallRc[]> { return this.t.post('/v1/resource-groups', rg, undefined, (t) => t.exists(`/v1/resource-groups/${seg(rg.name ?? '')}`)); }
  modify(rg: string, m: ResourceGroupModify): Promise<ApiCallRc[]> { return this.t.put(`/v1/resource-groups/${seg(rg)}`, m); }
  delete(rg: string): Promise<ApiCallRc[]> { return this.t.delete(`/v1/resource-groups/${seg(rg)}`, undefined, async (t) => !(await t.exists(`/v1/resource-groups/${seg(rg)}`))); }
  /** The definition, its volumes and resources are made in one transaction: the definition existing means the spawn landed. */
  spawn(rg: string, s: ResourceGroupSpawn): Promise<ApiCallRc[]> {
    const name = s.resource_definition_name;
    return this.t.post(`/v1/resource-groups/${seg(rg)}/spawn`, s, undefined, name ? (t) => t.exists(`/v1/resource-definitions/${seg(name)}`) : undefined);
  }
  adjust(rg: string, body: { select_filter?: AutoSelectFilter } = {}): Promise<ApiCallRc[]> { return this.t.post(`/v1/resource-groups/${seg(rg)}/adjust`, body); }
  adjustAll(body: { select_filter?: AutoSelectFilter } = {}): Promise<ApiCallRc[]> { return this.t.post('/v1/resource-groups/adjustall', body); }
  queryMaxVolumeSize(rg: string): Promise<MaxVolumeSizes> { return this.t.get(`/v1/resource-groups/${seg(rg)}/query-max-volume-size`); }
  querySizeInfo(rg: string, req: QuerySizeInfoRequest = {}): Promise<QuerySizeInfoResponse> { return this.t.post(`/v1/resource-groups/${seg(rg)}/query-size-info`, req); }
  queryAllSizeInfo(req: QuerySizeInfoRequest = {}): Promise<QueryAllSizeInfoResponse> { return this.t.post('/v1/queries/resource-groups/query-all-size-info', req); }

  listVolumeGroups(rg: string): Promise<VolumeGroup[]> { return this.t.get(`/v1/resource-groups/${seg(rg)}/volume-groups`); }
  getVolumeGroup(rg: string, vlmNr: number): Promise<VolumeGroup> { return this.t.get(`/v1/resource-groups/${seg(rg)}/volume-groups/${vlmNr}`); }
  createVolumeGroup(rg: string, vg: VolumeGroup = {}): Promise<ApiCallRc[]> { return this.t.post(`/v1/resource-groups/${seg(rg)}/volume-groups`, vg); }
  modifyVolumeGroup(rg: string, vlmNr: number, m: VolumeGroupModify): Promise<ApiCallRc[]> { return this.t.put(`/v1/resource-groups/${seg(rg)}/volume-groups/${vlmNr}`, m); }
  deleteVolumeGroup(rg: string, vlmNr: number): Promise<ApiCallRc[]> { return this.t.delete(`/v1/resource-groups/${seg(rg)}/volume-groups/${vlmNr}`); }
}
