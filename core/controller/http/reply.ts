import type { Response } from 'express';
import { httpStatusFor, type ApiCallRc } from '../../model/apicallrc.js';
import { toJson } from '../../model/json.js';

export function sendJson(res: Response, status: number, body: unknown): void {
  res.status(status).type('application/json').send(toJson(body));
}

/** Sends JSON text that is already serialised. */
export function sendRawJson(res: Response, status: number, text: string | Buffer): void {
  res.status(status).type('application/json').send(text);
}

/** Sends an ApiCallRcList with the status LINSTOR would pick for it. */
export function sendRcList(res: Response, list: ApiCallRc[], successStatus: number): void {
  sendJson(res, httpStatusFor(list, successStatus), list);
}
