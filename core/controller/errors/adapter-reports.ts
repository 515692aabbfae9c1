/**
 * Error reports filed by adapters over REST (`POST /v1/error-reports`): the Cinder API and
 * the CSI plugin run outside the satellites, so their unexpected failures reach
 * `linstor error-reports list` this way. An extension: LINSTOR has no such call, and an
 * adapter pointed at LINSTOR's own controller just logs its report. The controller picks the
 * id and the time (a caller can neither replace another report nor backdate one), keeps the
 * module to adapter names (never CONTROLLER or SATELLITE), clips every field and masks
 * secrets once more, whatever the adapter already masked.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Request } from 'express';
import { ApiError } from '../../model/errors.js';
import { printable } from '../../model/names.js';
import type { ErrorReport } from '../../model/types.js';
import { maskSecrets } from '../../satellite/errors/redact.js';
import type { ClusterState } from '../state/cluster-state.js';

const MODULE = /^[A-Z][A-Z0-9_]{1,31}$/;
const RESERVED_MODULES = new Set(['CONTROLLER', 'SATELLITE']);
const HOST = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;
const MAX_TEXT = 256 * 1024;

const instance = randomBytes(4).toString('hex').toUpperCase();
let seq = 0;

function bad(message: string): never {
  throw new ApiError('API_CALL_PARSE_ERROR', `Error report refused: ${message}`, { httpStatus: 400, correction: 'Send {"module", "node_name", "exception", "exception_message", "text"} as JSON.' });
}

const field = (b: Record<string, unknown>, key: string, max: number, required = false): string | undefined => {
  const v = b[key];
  if (v === undefined || v === null) { if (required) bad(`'${key}' is missing`); return undefined; }
  if (typeof v !== 'string') bad(`'${key}' must be a string`);
  return maskSecrets((v as string).slice(0, max));
};

/** The stored form of an adapter's report; throws a 400 ApiError when the body is unusable. */
export function adapterReport(req: Request): ErrorReport {
  const b = req.body as unknown;
  if (typeof b !== 'object' || b === null || Array.isArray(b)) bad('the body is not a JSON object');
  const body = b as Record<string, unknown>;
  const module = String(body.module ?? '');
  if (!MODULE.test(module) || RESERVED_MODULES.has(module)) bad(`module '${printable(module)}' is not an adapter's name (A-Z, 0-9, _; not CONTROLLER or SATELLITE)`);
  const nodeName = String(body.node_name ?? '');
  if (!HOST.test(nodeName)) bad(`node_name '${printable(nodeName)}' is not a host name`);
  const text = field(body, 'text', MAX_TEXT, true)!;
  const line = Number(body.origin_line);
  const node = createHash('sha256').update(`${module}:${nodeName}`).digest('hex').slice(0, 5).toUpperCase();
  const id = `${instance}-${node}-${String(++seq).padStart(6, '0')}`;
  return {
    id, nodeName, time: Date.now(), module, version: field(body, 'version', 32) ?? '',
    exception: field(body, 'exception', 256) ?? 'Error', exceptionMessage: field(body, 'exception_message', 4096) ?? '',
    ...(field(body, 'origin_file', 1024) !== undefined ? { originFile: field(body, 'origin_file', 1024) } : {}),
    ...(field(body, 'origin_method', 256) !== undefined ? { originMethod: field(body, 'origin_method', 256) } : {}),
    ...(Number.isSafeInteger(line) && line > 0 ? { originLine: line } : {}),
    text,
  };
}

export async function storeAdapterReport(state: ClusterState, report: ErrorReport): Promise<void> {
  await state.mutate((tx) => tx.put(state.errorReports, report.id, report));
}
