/**
 * `GET /v1/sos-report` (kept in the controller's SOS folder; the answer names the file) and
 * `GET /v1/sos-report/download` (the .tar.gz itself, as linstor-client saves it under the
 * Content-Disposition name). Query: `nodes`, `rscs`, `exclude` (repeated), `include-ctrl`
 * (default true), `since` (epoch ms).
 */
import type { Request, Router } from 'express';
import { createReadStream } from 'node:fs';
import { rcEntry } from '../../model/apicallrc.js';
import type { ControllerContext } from '../context.js';
import { route } from '../http/handler.js';
import { boolParam, listParam, msParam } from '../http/query.js';
import type { SosFilter } from './collect.js';
import { buildReport, keepReport } from './report.js';

function filter(req: Request): SosFilter {
  return {
    nodes: listParam(req, 'nodes'), rscs: listParam(req, 'rscs'), exclude: listParam(req, 'exclude'),
    includeCtrl: boolParam(req, 'include-ctrl', true), since: msParam(req, 'since'),
  };
}

export function registerSosReportRoutes(r: Router, ctx: ControllerContext): void {
  const { reporter } = ctx;

  r.get('/v1/sos-report', route(reporter, { obj: 'CTRL_CONF', op: 'CRT' }, 201, async (req) => {
    const built = await buildReport(ctx, filter(req));
    const path = await keepReport(ctx, built);
    return { rc: [rcEntry('CREATED', `SOS Report created on Controller: ${path}`, { obj: 'CTRL_CONF', op: 'CRT', objRefs: { path }, details: `Nodes: ${built.nodes.join(', ') || '(none)'}` })] };
  }));

  r.get('/v1/sos-report/download', route(reporter, { obj: 'CTRL_CONF', op: 'CRT' }, 200, async (req, res) => {
    const built = await buildReport(ctx, filter(req));
    return {
      raw: () => {
        res.status(200).set({ 'Content-Type': 'application/octet-stream', 'Content-Disposition': `attachment; filename="${built.name}"` });
        const s = createReadStream(built.file);
        const done = (): void => { void built.discard(); };
        s.on('error', (e) => { res.destroy(e); done(); });
        res.on('close', done);
        s.pipe(res);
      },
    };
  }));
}
