import { seg, type Transport } from './http.js';
import type {
  ApiCallRc, AutoPlaceRequest, ListQuery, Resource, ResourceCreate, ResourceMakeAvailable, ResourceModify,
  ResourceWithVolumes, ToggleDiskRequest, Volume, VolumeModify,
} from './types.js';

const rsc = (r: string, n: string): string => `/v1/resource-definitions/${seg(r)}/resources/${seg(n)}`;

export class ResourcesApi {
  constructor(private readonly t: Transport) {}
  /** Cluster-wide view with volumes (`/v1/view/resources`), what `linstor r l` and `linstor v l` show. */
  view(q: Pick<ListQuery, 'nodes' | 'resources' | 'storage_pools' | 'props' | 'offset' | 'limit'> = {}): Promise<ResourceWithVolumes[]> { return this.t.get('/v1/view/resources', { ...q }); }
  list(rd: string): Promise<Resource[]> { return this.t.get(`/v1/resource-definitions/${seg(rd)}/resources`); }
  get(rd: string, node: string): Promise<Resource> { return this.t.get(rsc(rd, node)); }
  /** Creates several resources at once (the array form python-linstor uses). */
  create(rd: string, list: ResourceCreate[]): Promise<ApiCallRc[]> {
    const nodes = list.map((c) => c.resource?.node_name).filter((n): n is string => !!n);
    return this.t.post(`/v1/resource-definitions/${seg(rd)}/resources`, list, undefined,
      nodes.length === list.length ? async (t) => (await Promise.all(nodes.map((n) => t.exists(rsc(rd, n))))).every(Boolean) : undefined);
  }
  createOnNode(rd: string, node: string, c: ResourceCreate): Promise<ApiCallRc[]> { return this.t.post(rsc(rd, node), c, undefined, (t) => t.exists(rsc(rd, node))); }
  modify(rd: string, node: string, m: ResourceModify): Promise<ApiCallRc[]> { return this.t.put(rsc(rd, node), m); }
  delete(rd: string, node: string, opts: { keepTiebreaker?: boolean } = {}): Promise<ApiCallRc[]> {
    return this.t.delete(rsc(rd, node), opts.keepTiebreaker === undefined ? undefined : { keep_tiebreaker: opts.keepTiebreaker }, async (t) => !(await t.exists(rsc(rd, node))));
  }
  makeAvailable(rd: string, node: string, req: ResourceMakeAvailable = {}): Promise<ApiCallRc[]> { return this.t.post(`${rsc(rd, node)}/make-available`, req); }
  activate(rd: string, node: string): Promise<ApiCallRc[]> { return this.t.post(`${rsc(rd, node)}/activate`); }
  deactivate(rd: string, node: string): Promise<ApiCallRc[]> { return this.t.post(`${rsc(rd, node)}/deactivate`); }
  toggleDisk(rd: string, node: string, req: ToggleDiskRequest): Promise<ApiCallRc[]> { return this.t.put(`${rsc(rd, node)}/toggle-disk`, req); }
  autoplace(rd: string, req: AutoPlaceRequest): Promise<ApiCallRc[]> { return this.t.post(`/v1/resource-definitions/${seg(rd)}/autoplace`, req); }

  listVolumes(rd: string, node: string): Promise<Volume[]> { return this.t.get(`${rsc(rd, node)}/volumes`); }
  getVolume(rd: string, node: string, vlmNr: number): Promise<Volume> { return this.t.get(`${rsc(rd, node)}/volumes/${vlmNr}`); }
  modifyVolume(rd: string, node: string, vlmNr: number, m: VolumeModify): Promise<ApiCallRc[]> { return this.t.put(`${rsc(rd, node)}/volumes/${vlmNr}`, m); }
}
