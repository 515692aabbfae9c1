import type { RcName } from './apiconsts.js';
import { rcEntry, type ApiCallRc, type ObjectMask, type OpMask } from './apicallrc.js';

export interface ApiErrorOptions {
  obj?: ObjectMask;
  op?: OpMask;
  cause?: string;
  correction?: string;
  details?: string;
  objRefs?: Record<string, string>;
  /** The HTTP status when it is not the one the return code maps to (JAX-RS's 404 for a query parameter it cannot convert). */
  httpStatus?: number;
}

/**
 * The one error type every layer throws. It carries a LINSTOR return-code name, so the
 * REST layer can turn it into an ApiCallRc with the status the real server would pick.
 */
export class ApiError extends Error {
  readonly rc: RcName;
  readonly opts: ApiErrorOptions;
  constructor(rc: RcName, message: string, opts: ApiErrorOptions = {}) {
    super(message);
    this.name = 'ApiError';
    this.rc = rc;
    this.opts = opts;
  }
  toApiCallRc(defaults: { obj?: ObjectMask; op?: OpMask } = {}): ApiCallRc {
    const { httpStatus: _status, ...opts } = this.opts;
    return rcEntry(this.rc, this.message, { ...defaults, ...opts });
  }
}

/** Named constructors for the failures that occur everywhere: throw kinds, not strings. */
export const Errors = {
  notFound(rc: RcName, what: string, name: string, opts: ApiErrorOptions = {}): ApiError {
    return new ApiError(rc, `${what} '${name}' not found.`, {
      cause: `The specified ${what.toLowerCase()} '${name}' could not be found in the database`,
      correction: `Create a ${what.toLowerCase()} with the name '${name}' first.`,
      ...opts,
    });
  },
  exists(rc: RcName, what: string, name: string, opts: ApiErrorOptions = {}): ApiError {
    return new ApiError(rc, `A ${what.toLowerCase()} with the name '${name}' already exists.`, {
      cause: `The ${what.toLowerCase()} '${name}' already exists`,
      correction: `Use a different name or delete the existing ${what.toLowerCase()} first.`,
      ...opts,
    });
  },
  invalid(rc: RcName, message: string, correction: string, opts: ApiErrorOptions = {}): ApiError {
    return new ApiError(rc, message, { correction, ...opts });
  },
  inUse(message: string, cause: string, correction: string, opts: ApiErrorOptions = {}): ApiError {
    return new ApiError('FAIL_IN_USE', message, { cause, correction, ...opts });
  },
};
