import { seg, type Transport } from './http.js';
import type { ApiCallRc, ListQuery, NetInterface, Node, NodeModify } from './types.js';

export class NodesApi {
  constructor(private readonly t: Transport) {}
  list(q: Pick<ListQuery, 'nodes' | 'props' | 'offset' | 'limit'> = {}): Promise<Node[]> { return this.t.get('/v1/nodes', { ...q }); }
  get(node: string): Promise<Node> { return this.t.get(`/v1/nodes/${seg(node)}`); }
  create(node: Node): Promise<ApiCallRc[]> { return this.t.post('/v1/nodes', node, undefined, (t) => t.exists(`/v1/nodes/${seg(node.name)}`)); }
  modify(node: string, m: NodeModify): Promise<ApiCallRc[]> { return this.t.put(`/v1/nodes/${seg(node)}`, m); }
  delete(node: string): Promise<ApiCallRc[]> { return this.t.delete(`/v1/nodes/${seg(node)}`, undefined, async (t) => !(await t.exists(`/v1/nodes/${seg(node)}`))); }
  lost(node: string): Promise<ApiCallRc[]> { return this.t.delete(`/v1/nodes/${seg(node)}/lost`); }
  reconnect(node: string): Promise<ApiCallRc[]> { return this.t.put(`/v1/nodes/${seg(node)}/reconnect`); }
  /** linstor-ts: forget the pairing with the node's satellite. */
  resetPairing(node: string): Promise<ApiCallRc[]> { return this.t.post(`/v1/nodes/${seg(node)}/reset-pairing`); }
  restore(node: string, body: { delete_resources?: boolean; delete_snapshots?: boolean } = {}): Promise<ApiCallRc[]> { return this.t.put(`/v1/nodes/${seg(node)}/restore`, body); }
  evacuate(node: string, body: { target_nodes?: string[] } = {}): Promise<ApiCallRc[]> { return this.t.put(`/v1/nodes/${seg(node)}/evacuate`, body); }
  evict(node: string): Promise<ApiCallRc[]> { return this.t.put(`/v1/nodes/${seg(node)}/evict`); }
  listNetInterfaces(node: string): Promise<NetInterface[]> { return this.t.get(`/v1/nodes/${seg(node)}/net-interfaces`); }
  getNetInterface(node: string, name: string): Promise<NetInterface> { return this.t.get(`/v1/nodes/${seg(node)}/net-interfaces/${seg(name)}`); }
  createNetInterface(node: string, nif: NetInterface): Promise<ApiCallRc[]> { return this.t.post(`/v1/nodes/${seg(node)}/net-interfaces`, nif); }
  modifyNetInterface(node: string, name: string, nif: Partial<NetInterface>): Promise<ApiCallRc[]> { return this.t.put(`/v1/nodes/${seg(node)}/net-interfaces/${seg(name)}`, nif); }
  deleteNetInterface(node: string, name: string): Promise<ApiCallRc[]> { return this.t.delete(`/v1/nodes/${seg(node)}/net-interfaces/${seg(name)}`); }
}
