import { seg, type Transport } from './http.js';
import type {
  ApiCallRc, ListQuery, ResourceDefinition, ResourceDefinitionCloneRequest, ResourceDefinitionCloneStarted,
  ResourceDefinitionCloneStatus, ResourceDefinitionCreate, ResourceDefinitionModify, ResourceDefinitionSyncStatus,
  VolumeDefinition, VolumeDefinitionCreate, VolumeDefinitionModify,
} from './types.js';

const rd = (name: string): string => `/v1/resource-definitions/${seg(name)}`;

export class ResourceDefinitionsApi {
  constructor(private readonly t: Transport) {}
  list(q: Pick<ListQuery, 'resource_definitions' | 'with_volume_definitions' | 'props' | 'offset' | 'limit'> = {}): Promise<ResourceDefinition[]> { return this.t.get('/v1/resource-definitions', { ...q }); }
  get(name: string): Promise<ResourceDefinition> { return this.t.get(rd(name)); }
  create(c: ResourceDefinitionCreate): Promise<ApiCallRc[]> {
    const name = c.resource_definition?.name;
    return this.t.post('/v1/resource-definitions', c, undefined, name ? (t) => t.exists(rd(name)) : undefined);
  }
  modify(name: string, m: ResourceDefinitionModify): Promise<ApiCallRc[]> { return this.t.put(rd(name), m); }
  delete(name: string): Promise<ApiCallRc[]> { return this.t.delete(rd(name), undefined, async (t) => !(await t.exists(rd(name)))); }
  clone(name: string, req: ResourceDefinitionCloneRequest): Promise<ResourceDefinitionCloneStarted> { return this.t.post(`${rd(name)}/clone`, req); }
  cloneStatus(name: string, clone: string): Promise<ResourceDefinitionCloneStatus> { return this.t.get(`${rd(name)}/clone/${seg(clone)}`); }
  syncStatus(name: string): Promise<ResourceDefinitionSyncStatus> { return this.t.get(`${rd(name)}/sync-status`); }

  listVolumeDefinitions(name: string): Promise<VolumeDefinition[]> { return this.t.get(`${rd(name)}/volume-definitions`); }
  getVolumeDefinition(name: string, vlmNr: number): Promise<VolumeDefinition> { return this.t.get(`${rd(name)}/volume-definitions/${vlmNr}`); }
  createVolumeDefinition(name: string, c: VolumeDefinitionCreate): Promise<ApiCallRc[]> { return this.t.post(`${rd(name)}/volume-definitions`, c); }
  modifyVolumeDefinition(name: string, vlmNr: number, m: VolumeDefinitionModify): Promise<ApiCallRc[]> { return this.t.put(`${rd(name)}/volume-definitions/${vlmNr}`, m); }
  deleteVolumeDefinition(name: string, vlmNr: number): Promise<ApiCallRc[]> { return this.t.delete(`${rd(name)}/volume-definitions/${vlmNr}`); }
}
