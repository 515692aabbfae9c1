import { RC, type RcName } from './apiconsts.js';

/** One entry of LINSTOR's ApiCallRcList, as sent on the wire. `ret_code` is int64. */
export interface ApiCallRc {
  ret_code: bigint;
  message: string;
  cause?: string;
  details?: string;
  correction?: string;
  error_report_ids?: string[];
  obj_refs?: Record<string, string>;
  created_at?: string;
}

/** Object-type masks, used to complete a bare code the way LINSTOR's ResponseConverter does. */
export type ObjectMask =
  | 'NODE' | 'RSC' | 'RSC_DFN' | 'VLM' | 'VLM_DFN' | 'STOR_POOL' | 'STOR_POOL_DFN' | 'NET_IF'
  | 'NODE_CONN' | 'RSC_CONN' | 'VLM_CONN' | 'CTRL_CONF' | 'SNAPSHOT' | 'KVS' | 'RSC_GRP' | 'VLM_GRP'
  | 'PHYSICAL_DEVICE' | 'REMOTE' | 'BACKUP' | 'SCHEDULE' | 'EXT_FILES';
export type OpMask = 'CRT' | 'MOD' | 'DEL';

const MASK_ERROR = RC.MASK_ERROR;
const MASK_WARN = RC.MASK_WARN;
const MASK_INFO = RC.MASK_INFO;
const MASK_BITS_TYPE = RC.MASK_BITS_TYPE;
const MASK_BITS_OP = RC.MASK_BITS_OP;
const MASK_BITS_OBJ = RC.MASK_BITS_OBJ;
const MASK_BITS_CODE = RC.MASK_BITS_CODE;

/** Builds a complete return code: the named code plus object and operation masks when it has none. */
export function retCode(name: RcName, obj?: ObjectMask, op?: OpMask): bigint {
  let rc = RC[name];
  if (obj && (rc & MASK_BITS_OBJ) === 0n) rc |= RC[`MASK_${obj}` as RcName];
  if (op && (rc & MASK_BITS_OP) === 0n) rc |= RC[`MASK_${op}` as RcName];
  return BigInt.asIntN(64, rc);
}

export function isError(rc: bigint): boolean {
  return (BigInt.asUintN(64, rc) & MASK_ERROR) === MASK_ERROR;
}
export function isWarning(rc: bigint): boolean {
  return (BigInt.asUintN(64, rc) & MASK_BITS_TYPE) === MASK_WARN;
}
export function isInfo(rc: bigint): boolean {
  return (BigInt.asUintN(64, rc) & MASK_BITS_TYPE) === MASK_INFO;
}
export function codeOf(rc: bigint): number {
  return Number(BigInt.asUintN(64, rc) & MASK_BITS_CODE);
}

/**
 * The HTTP status LINSTOR's ApiCallRcRestUtils picks: the first error decides;
 * 3xx codes are 404, 4xx codes 403, sign-in failures 401, every other error 500.
 */
export function httpStatusFor(list: ApiCallRc[], successStatus: number): number {
  for (const e of list) {
    if (!isError(e.ret_code)) continue;
    const u = BigInt.asUintN(64, e.ret_code);
    if (u === RC.API_CALL_PARSE_ERROR) return 400;
    if (u === RC.FAIL_SIGN_IN_MISSING_CREDENTIALS) return 401;
    if (u === RC.FAIL_SIGN_IN) return 403;
    const code = codeOf(e.ret_code);
    if (code >= 300 && code <= 399) return 404;
    if (code >= 400 && code <= 499) return 403;
    return 500;
  }
  return successStatus;
}

export function rcEntry(
  name: RcName,
  message: string,
  opts: { obj?: ObjectMask; op?: OpMask; cause?: string; correction?: string; details?: string; objRefs?: Record<string, string>; errorReportIds?: string[] } = {},
): ApiCallRc {
  const e: ApiCallRc = { ret_code: retCode(name, opts.obj, opts.op), message };
  if (opts.cause) e.cause = opts.cause;
  if (opts.details) e.details = opts.details;
  if (opts.correction) e.correction = opts.correction;
  if (opts.errorReportIds?.length) e.error_report_ids = opts.errorReportIds;
  if (opts.objRefs && Object.keys(opts.objRefs).length) e.obj_refs = opts.objRefs;
  e.created_at = new Date().toISOString();
  return e;
}
