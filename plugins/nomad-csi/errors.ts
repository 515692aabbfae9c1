/**
 * gRPC status errors for CSI answers, and the one mapping from LINSTOR client errors to
 * gRPC codes (the spec fixes which code a CO retries on, so the mapping matters).
 */
import { status } from '@grpc/grpc-js';
import { LinstorApiError, LinstorConnectionError, RC } from '../../core/client/index.js';

export class CsiError extends Error {
  constructor(readonly code: status, message: string) {
    super(message);
    this.name = 'CsiError';
  }
}

export const invalid = (msg: string): CsiError => new CsiError(status.INVALID_ARGUMENT, msg);
export const notFound = (msg: string): CsiError => new CsiError(status.NOT_FOUND, msg);
export const precondition = (msg: string): CsiError => new CsiError(status.FAILED_PRECONDITION, msg);
export const alreadyExists = (msg: string): CsiError => new CsiError(status.ALREADY_EXISTS, msg);

/** True when the controller answered 404 (golinstor's NotFoundError: status only, body ignored). */
export function isNotFound(e: unknown): boolean {
  return e instanceof LinstorApiError && e.status === 404;
}

/** Runs `fn`; a 404 from the controller becomes `undefined` (the "get, create if missing" idiom). */
export async function orUndefined<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try { return await fn(); } catch (e) { if (isNotFound(e)) return undefined; throw e; }
}

/** Any error thrown by a handler becomes a gRPC status with a message the operator can act on. */
export function toGrpcError(e: unknown): { code: status; message: string } {
  if (e instanceof CsiError) return { code: e.code, message: e.message };
  if (e instanceof LinstorConnectionError) return { code: status.UNAVAILABLE, message: e.message };
  if (e instanceof LinstorApiError) {
    const msg = `LINSTOR: ${e.message}`;
    if (e.status === 404) return { code: status.NOT_FOUND, message: msg };
    if (e.hasCode(RC.FAIL_IN_USE)) return { code: status.FAILED_PRECONDITION, message: msg };
    if (e.hasCode(RC.FAIL_NOT_ENOUGH_NODES)) return { code: status.RESOURCE_EXHAUSTED, message: msg };
    if (e.status === 400 || e.hasCode(RC.FAIL_INVLD_PROP)) return { code: status.INVALID_ARGUMENT, message: msg };
    return { code: status.INTERNAL, message: msg };
  }
  return { code: status.INTERNAL, message: (e as Error)?.message ?? String(e) };
}
