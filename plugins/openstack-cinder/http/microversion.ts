/**
 * Microversion negotiation as Cinder's wsgi.Request.set_api_version_request and
 * api_version_request.py do it: no `OpenStack-API-Version` header means 3.0; otherwise the
 * first comma-separated entry containing `volume` must be `volume X.Y` (or `volume latest`)
 * with X.Y matching ^[1-9]\d*\.([1-9]\d*|0)$ (ASCII digits: WSGI headers are latin-1); a header
 * without such an entry, or a malformed version, is 400; a version outside the range is 406.
 */
import { CinderFault } from './faults.js';

export const MIN_VERSION = '3.0';
export const MAX_VERSION = '3.71';

export class ApiVersion {
  constructor(readonly major: number, readonly minor: number) {}
  static parse(s: string): ApiVersion | undefined {
    const m = /^([1-9][0-9]*)\.(0|[1-9][0-9]*)$/.exec(s);
    return m ? new ApiVersion(Number(m[1]), Number(m[2])) : undefined;
  }
  cmp(o: ApiVersion): number { return this.major - o.major || this.minor - o.minor; }
  /** True when this request's version is at least `v` ("3.27"). */
  atLeast(v: string): boolean { return this.cmp(ApiVersion.parse(v)!) >= 0; }
  toString(): string { return `${this.major}.${this.minor}`; }
}

const MIN = ApiVersion.parse(MIN_VERSION)!;
const MAX = ApiVersion.parse(MAX_VERSION)!;

/** Reads the version from the headers of one request. */
export function negotiate(headers: Record<string, string | string[] | undefined>): ApiVersion {
  let raw = headers['openstack-api-version'];
  if (Array.isArray(raw)) raw = raw.join(',');
  if (raw === undefined) return MIN;
  // The header may list several services: "volume 3.5, compute 2.1"; Cinder takes the first
  // entry that contains "volume" (case-sensitive, as a substring).
  const entry = raw.split(',').find((part) => part.includes('volume'));
  if (entry === undefined) throw new CinderFault(400, 'API version None is not supported on this method.');
  // Python's str.split(): any whitespace separates, including a latin-1 no-break space.
  const words = entry.trim().split(/\s+/);
  // Cinder unpacks exactly two words; anything else would crash it (a 500), so it is refused here.
  const wanted = words.length === 2 ? words[1]! : '';
  if (wanted === 'latest') return MAX;
  const v = ApiVersion.parse(wanted);
  if (!v) throw new CinderFault(400, `API Version String ${printableVersion(wanted)} is of invalid format. Must be of format MajorNum.MinorNum.`);
  if (v.cmp(MIN) < 0 || v.cmp(MAX) > 0) {
    throw new CinderFault(406, `Version ${v} is not supported by the API. Minimum is ${MIN_VERSION} and maximum is ${MAX_VERSION}.`);
  }
  return v;
}

/** A header value shown in a message: printable ASCII only, bounded. */
function printableVersion(v: string): string {
  const clean = v.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 40 ? `${clean.slice(0, 37)}...` : clean || 'None';
}

/** The discovery document (cinder/api/views/versions.py) for `GET /` and `GET /v3/`. */
export function versionsDocument(baseUrl: string): unknown {
  return {
    versions: [{
      id: 'v3.0', status: 'CURRENT', version: MAX_VERSION, min_version: MIN_VERSION, updated: '2023-08-31T00:00:00Z',
      links: [
        { rel: 'describedby', type: 'text/html', href: 'https://docs.openstack.org/' },
        { rel: 'self', href: `${baseUrl}/v3/` },
      ],
      'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.volume+json;version=3' }],
    }],
  };
}
