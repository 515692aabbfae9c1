import { seg, type Transport } from './http.js';
import type { ApiCallRc, ErrorReport, ErrorReportDelete } from './types.js';

/** What an adapter files with `POST /v1/error-reports` (our extension; the controller picks id and time). */
export interface NewErrorReport {
  module: string; node_name: string; version?: string; exception: string; exception_message: string;
  origin_file?: string; origin_method?: string; origin_line?: number; text: string;
}

export interface ErrorReportQuery { node?: string; since?: number; to?: number; withContent?: boolean; offset?: number; limit?: number }

export class ErrorReportsApi {
  constructor(private readonly t: Transport) {}
  list(q: ErrorReportQuery = {}): Promise<ErrorReport[]> { return this.t.get('/v1/error-reports', { ...q }); }
  /** The server answers an array, possibly empty, for one id. */
  get(id: string, q: ErrorReportQuery = { withContent: true }): Promise<ErrorReport[]> { return this.t.get(`/v1/error-reports/${seg(id)}`, { ...q }); }
  create(report: NewErrorReport): Promise<ApiCallRc[]> { return this.t.post('/v1/error-reports', report); }
  delete(id: string): Promise<ApiCallRc[]> { return this.t.delete(`/v1/error-reports/${seg(id)}`); }
  deleteRange(req: ErrorReportDelete): Promise<ApiCallRc[]> { return this.t.patch('/v1/error-reports', req); }
}
