import { fromJson } from '../../core/model/json.js';
import { RC, type RcName } from '../../core/model/apiconsts.js';
import { codeOf } from '../../core/model/apicallrc.js';

export interface Reply { status: number; body: unknown }

/** One REST call with a JSON body (a bare string is sent as a JSON string, as python-linstor does). */
export async function call(method: string, url: string, body?: unknown): Promise<Reply> {
  const r = await fetch(url, {
    method, headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, body: text ? fromJson(text) : undefined };
}

export interface Rc { ret_code: bigint; message: string; cause?: string; correction?: string }
export const rcs = (r: Reply): Rc[] => r.body as Rc[];
/** Whether an ApiCallRc carries the code of a named return code (masks ignored). */
export const hasCode = (rc: Rc, name: RcName): boolean => codeOf(rc.ret_code) === codeOf(RC[name]);
