/**
 * Microversion negotiation (cinder/api/openstack/api_version_request.py): the request header
 * `OpenStack-API-Version: volume X.Y` (or `latest`); missing means 3.0; outside the range is
 * 406, malformed is 400.
 */
import { CinderFault } from './faults.js';

export const MIN_VERSION = '3.0';
export const MAX_VERSION = '3.71';

export class ApiVersion {
  constructor(readonly major: number, readonly minor: number) {}
  static parse(s: string): ApiVersion | undefined {
    const m = /^(\d+)\.(0|[1-9]\d*)$/.exec(s.trim());
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
  let wanted: string | undefined;
  if (raw) {
    // The header may list several services: "volume 3.5, compute 2.1".
    for (const part of raw.split(',')) {
      const [svc, ver] = part.trim().split(/\s+/);
      if (svc?.toLowerCase() === 'volume' && ver) wanted = ver;
    }
  }
  if (wanted === undefined) return MIN;
  if (wanted.toLowerCase() === 'latest') return MAX;
  const v = ApiVersion.parse(wanted);
  if (!v) throw new CinderFault(400, `API Version String ${wanted} is of invalid format. Must be of format MajorNum.MinorNum.`);
  if (v.cmp(MIN) < 0 || v.cmp(MAX) > 0) {
    throw new CinderFault(406, `Version ${v} is not supported by the API. Minimum is ${MIN_VERSION} and maximum is ${MAX_VERSION}.`);
  }
  return v;
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
