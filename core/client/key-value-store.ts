import { seg, type Transport } from './http.js';
import type { ApiCallRc, KeyValueStore, PropsModify } from './types.js';

export class KeyValueStoreApi {
  constructor(private readonly t: Transport) {}
  list(): Promise<KeyValueStore[]> { return this.t.get('/v1/key-value-store'); }
  /** The server answers a one-element array for one instance. */
  async get(instance: string): Promise<KeyValueStore> {
    const r = await this.t.get<KeyValueStore[] | KeyValueStore>(`/v1/key-value-store/${seg(instance)}`);
    return Array.isArray(r) ? (r[0] ?? { name: instance, props: {} }) : r;
  }
  /** Creates the instance if it does not exist. */
  modify(instance: string, m: PropsModify): Promise<ApiCallRc[]> { return this.t.put(`/v1/key-value-store/${seg(instance)}`, m); }
  delete(instance: string): Promise<ApiCallRc[]> { return this.t.delete(`/v1/key-value-store/${seg(instance)}`); }
}
