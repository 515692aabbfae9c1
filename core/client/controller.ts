import { seg, type Transport } from './http.js';
import type { ApiCallRc, ControllerVersion, Properties, PropsModify } from './types.js';

export class ControllerApi {
  constructor(private readonly t: Transport) {}
  version(): Promise<ControllerVersion> { return this.t.get('/v1/controller/version'); }
  /** Resolves when `/health` answers 200. */
  async health(): Promise<void> { await this.t.get('/health'); }
  properties(): Promise<Properties> { return this.t.get('/v1/controller/properties'); }
  setProperties(m: PropsModify): Promise<ApiCallRc[]> { return this.t.post('/v1/controller/properties', m); }
  deleteProperty(key: string): Promise<ApiCallRc[]> { return this.t.delete(`/v1/controller/properties/${key.split('/').map(seg).join('/')}`); }
}
