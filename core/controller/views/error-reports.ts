import type * as api from '../../api/index.js';
import type { ErrorReport } from '../../model/types.js';
import { compact } from './compact.js';

/** The wire ErrorReport; `text` only when the caller asked for the content. */
export function errorReportView(e: ErrorReport, withContent: boolean): api.ErrorReport {
  return compact({
    node_name: e.nodeName,
    error_time: e.time,
    filename: `ErrorReport-${e.id}.log`,
    text: withContent ? e.text : undefined,
    module: e.module,
    version: e.version,
    exception: e.exception,
    exception_message: e.exceptionMessage,
    origin_file: e.originFile,
    origin_method: e.originMethod,
    origin_line: e.originLine,
  });
}
