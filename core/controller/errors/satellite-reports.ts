/**
 * Error reports a satellite sends: checked and stored with the controller's own, under the
 * name of the node the link belongs to (never a name the message claims). A report id that
 * another node's report already holds is refused, so one satellite cannot replace another's.
 */
import type { Logger } from 'pino';
import { printable } from '../../model/names.js';
import type { ErrorReport } from '../../model/types.js';
import type { ClusterState } from '../state/cluster-state.js';

const REPORT_ID = /^[0-9A-F]{8}-[0-9A-F]{5}-\d{6}$/;
const MAX_TEXT = 256 * 1024;

function str(v: unknown, max: number): string | undefined {
  return typeof v === 'string' ? v.slice(0, max) : undefined;
}

/** The stored form of a satellite's report, or why it is refused. */
export function satelliteReport(nodeName: string, raw: unknown): ErrorReport | string {
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const id = r.id;
  if (typeof id !== 'string' || !REPORT_ID.test(id)) return `report id '${printable(String(id)).slice(0, 40)}' is not XXXXXXXX-XXXXX-NNNNNN`;
  if (!Number.isSafeInteger(r.time) || (r.time as number) < 0) return 'report time is not a time in milliseconds';
  const text = str(r.text, MAX_TEXT);
  if (text === undefined) return 'report has no text';
  const line = Number.isSafeInteger(r.originLine) ? r.originLine as number : undefined;
  return {
    id, nodeName, time: r.time as number,
    module: str(r.module, 32) ?? 'SATELLITE', version: str(r.version, 32) ?? '',
    exception: str(r.exception, 256) ?? 'Error', exceptionMessage: str(r.exceptionMessage, 4096) ?? '',
    ...(str(r.originFile, 1024) !== undefined ? { originFile: str(r.originFile, 1024) } : {}),
    ...(str(r.originMethod, 256) !== undefined ? { originMethod: str(r.originMethod, 256) } : {}),
    ...(line !== undefined ? { originLine: line } : {}),
    text,
  };
}

/** Stores it; true when it is stored now or was already (the satellite may send it again). */
async function storeSatelliteReport(state: ClusterState, report: ErrorReport): Promise<boolean> {
  const existing = state.errorReports.get(report.id);
  if (existing) return existing.nodeName === report.nodeName;
  await state.mutate((tx) => tx.put(state.errorReports, report.id, report));
  return true;
}

/** An `error-report` message of `node`'s link: stored, then `ack(id)` so the satellite forgets it. */
export function acceptSatelliteReport(state: ClusterState, log: Logger, node: string, raw: unknown, ack: (id: string) => void): void {
  const report = satelliteReport(node, raw);
  if (typeof report === 'string') { log.warn({ node, reason: report }, 'refused an error report from the satellite'); return; }
  storeSatelliteReport(state, report).then((ok) => {
    if (!ok) { log.warn({ node, id: report.id }, 'refused an error report whose id another node\'s report has'); return; }
    log.info({ node, errorReport: report.id }, `satellite error report: ${report.exceptionMessage.slice(0, 200)}`);
    ack(report.id);
  }, (e: unknown) => log.error({ err: e, node }, 'could not store a satellite error report'));
}
