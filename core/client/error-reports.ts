import { seg, type Transport } from './http.js';
import type { ApiCallRc, ErrorReport, ErrorReportDelete } from './types.js';

export interface ErrorReportQuery { node?: string; since?: number; to?: number; withContent?: boolean; offset?: number; limit?: number }

export class ErrorReportsApi {
  constructor(private readonly t: Transport) {}
  list(q: ErrorReportQuery = {}): Promise<ErrorReport[]> { return this.t.get('/v1/error-reports', { ...q }); }
  /** The server answers an array, possibly empty, for one id. */
  get(id: string, q: ErrorReportQuery = { withContent: true }): Promise<ErrorReport[]> { return this.t.get(`/v1/error-reports/${seg(id)}`, { ...q }); }
  delete(id: string): Promise<ApiCallRc[]> { return this.t.delete(`/v1/error-reports/${seg(id)}`); }
  deleteRange(req: ErrorReportDelete): Promise<ApiCallRc[]> { return this.t.patch('/v1/error-reports', req); }
}
