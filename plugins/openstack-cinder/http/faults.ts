/**
 * Cinder faults: `{"<faultName>": {"code", "message"}}` named by HTTP status, as
 * cinder/api/openstack/wsgi.py (class Fault) writes them; cinderclient picks the exception
 * class from the status and the text from `message`.
 */
const FAULT_NAMES: Record<number, string> = {
  400: 'badRequest', 401: 'unauthorized', 403: 'forbidden', 404: 'itemNotFound', 405: 'badMethod',
  409: 'conflictingRequest', 413: 'overLimit', 415: 'badMediaType', 501: 'notImplemented',
  503: 'serviceUnavailable',
};

export function faultName(status: number): string {
  return FAULT_NAMES[status] ?? 'computeFault';
}

export class CinderFault extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'CinderFault';
  }
  body(): Record<string, { code: number; message: string }> {
    return { [faultName(this.status)]: { code: this.status, message: this.message } };
  }
}

export const badRequest = (m: string): CinderFault => new CinderFault(400, m);
export const notFound = (m: string): CinderFault => new CinderFault(404, m);
export const forbidden = (m: string): CinderFault => new CinderFault(403, m);
export const conflict = (m: string): CinderFault => new CinderFault(409, m);
export const overLimit = (m: string): CinderFault => new CinderFault(413, m);
/** Cinder's InvalidVolume (a volume in the wrong state) is a 400. */
export const invalidVolume = (m: string): CinderFault => new CinderFault(400, `Invalid volume: ${m}`);
