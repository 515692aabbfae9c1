import { seg, type Transport } from './http.js';
import type { ApiCallRc, ControllerVersion, Properties, PropsModify } from './types.js';

export interface ControllerHealth {
  role: 'active' | 'standby' | 'fenced';
  /** The answering controller's advertised URL. */
  controller?: string;
  active_controller?: string | null;
  store?: string;
}

export class ControllerApi {
  constructor(private readonly t: Transport) {}
  version(): Promise<ControllerVersion> { return this.t.get('/v1/controller/version'); }
  /**
   * `/health` of the active controller (standbys answer 503 and are skipped by the fail-over):
   * its role, advertised address and store kind.
   */
  health(): Promise<ControllerHealth> { return this.t.get<ControllerHealth>('/health').then((h) => h ?? { role: 'active' }); }
  properties(): Promise<Properties> { return this.t.get('/v1/controller/properties'); }
  setProperties(m: PropsModify): Promise<ApiCallRc[]> { return this.t.post('/v1/controller/properties', m); }
  deleteProperty(key: string): Promise<ApiCallRc[]> { return this.t.delete(`/v1/controller/properties/${key.split('/').map(seg).join('/')}`); }
}
