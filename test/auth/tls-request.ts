/** One HTTP(S) request with explicit TLS material, for the listener tests. */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface Answer { status: number; headers: Record<string, string | string[] | undefined>; text: string }

export function get(url: string, opts: { ca?: string; cert?: string; key?: string; headers?: Record<string, string>; method?: string; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const base = { method: opts.method ?? 'GET', headers: { ...(opts.headers ?? {}), ...(opts.body ? { 'Content-Type': 'application/json' } : {}) } };
    const done = (res: import('node:http').IncomingMessage): void => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    };
    const req = u.protocol === 'https:'
      ? httpsRequest(u, { ...base, ca: opts.ca, cert: opts.cert, key: opts.key, agent: false }, done)
      : httpRequest(u, { ...base, agent: false }, done);
    req.setTimeout(15_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(opts.body);
  });
}
