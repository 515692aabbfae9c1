import type { Request, Router } from 'express';
import { rcEntry } from '../../model/apicallrc.js';
import { ApiError } from '../../model/errors.js';
import { printable } from '../../model/names.js';
import type { ErrorReport } from '../../model/types.js';
import type { ControllerContext } from '../context.js';
import { route, type RouteMeta } from '../http/handler.js';
import { boolParam, listParam, msParam, nameFilter, page } from '../http/query.js';
import { errorReportView } from '../views/error-reports.js';
import { adapterReport, storeAdapterReport } from '../errors/adapter-reports.js';

// Error reports have no object mask in LINSTOR's return codes.
const NO_OBJ = {} as unknown as RouteMeta;

function byTime(a: ErrorReport, b: ErrorReport): number { return a.time - b.time || a.id.localeCompare(b.id); }

export function registerErrorReportRoutes(r: Router, ctx: ControllerContext): void {
  const { state, reporter } = ctx;

  const list = (req: Request, ids: string[] | undefined, contentDefault: boolean) => {
    const byNode = nameFilter([...listParam(req, 'node'), ...listParam(req, 'nodes')]);
    const since = msParam(req, 'since');
    const to = msParam(req, 'to');
    const withContent = boolParam(req, 'withContent', contentDefault);
    const reports = [...state.errorReports.values()].sort(byTime);
    return page(req, reports, (e) => (!ids || ids.includes(e.id)) && byNode(e.nodeName)
      && (since === undefined || e.time >= since) && (to === undefined || e.time <= to), (e) => errorReportView(e, withContent));
  };

  r.get('/v1/error-reports', route(reporter, NO_OBJ, 200, (req) => ({ json: list(req, undefined, false) })));
  r.get('/v1/stats/error-reports', route(reporter, NO_OBJ, 200, () => ({ json: { count: state.errorReports.size } })));
  // A one-element array (or empty), as LINSTOR answers; the content is included by default.
  r.get('/v1/error-reports/:id', route(reporter, NO_OBJ, 200, (req) => ({ json: list(req, [String(req.params.id)], true) })));

  // Reports of the adapters (Cinder API, CSI plugin): our extension, see adapter-reports.ts.
  r.post('/v1/error-reports', route(reporter, NO_OBJ, 201, async (req) => {
    const report = adapterReport(req);
    await storeAdapterReport(state, report);
    return { rc: [rcEntry('CREATED', `Error report '${report.id}' created.`, { objRefs: { ErrorReport: report.id }, errorReportIds: [report.id] })] };
  }));

  r.delete('/v1/error-reports/:id', route(reporter, NO_OBJ, 200, async (req) => {
    const id = String(req.params.id);
    if (!state.errorReports.has(id)) {
      return { rc: [rcEntry('WARN_NOT_FOUND', `Error report '${printable(id)}' not found.`, { correction: 'List the reports with linstor error-reports list.' })] };
    }
    await state.mutate((tx) => tx.delete(state.errorReports, id));
    return { rc: [rcEntry('DELETED', `Error report '${id}' deleted.`)] };
  }));

  r.patch('/v1/error-reports', route(reporter, { ...NO_OBJ, body: 'PATCH /v1/error-reports', bodyOptional: true }, 200, async (_req, _res, b) => {
    const { since, to, exception, version, ids } = b;
    const nodes = nameFilter(b.nodes ?? []);
    const deleted = await state.mutate((tx) => {
      const hits = [...state.errorReports.values()].filter((e) => nodes(e.nodeName)
        && (since === undefined || e.time >= since) && (to === undefined || e.time <= to)
        && (exception === undefined || e.exception === exception) && (version === undefined || e.version === version)
        && (!ids?.length || ids.includes(e.id)));
      for (const e of hits) tx.delete(state.errorReports, e.id);
      return hits.length;
    });
    if (!deleted) return { rc: [rcEntry('WARN_NOT_FOUND', 'No error reports matched; nothing was deleted.')] };
    return { rc: [rcEntry('DELETED', `Deleted ${deleted} error report${deleted === 1 ? '' : 's'}.`)] };
  }));
}
