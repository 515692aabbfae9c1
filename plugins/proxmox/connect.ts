/**
 * Which controller a hook talks to: the `controller` list is tried in order with GET /health
 * and the first that answers 200 (the active one; standbys answer 503) is used, as
 * linstor-proxmox does; the others stay behind it in the client for fail-over. TLS (port 3371) is used
 * when `apica` or `apicrt`+`apikey` are set.
 */
import { LinstorClient, clientTlsFromFiles, controllerUrl, type ClientTls } from '../../core/client/index.js';
import type { LinstorStorage } from './linstor-storage.js';

export const USER_AGENT = 'linstor-pve-ts/0.1.0';

export class NoControllerError extends Error {
  constructor(tried: string[], causes: string[]) {
    super(`could not connect to any LINSTOR controller (tried ${tried.join(', ')}${causes.length ? `: ${causes.join('; ')}` : ''})`);
    this.name = 'NoControllerError';
  }
}

export function controllerUrls(s: LinstorStorage): string[] {
  const tls = s.apiCa !== undefined || (s.apiCrt !== undefined && s.apiKey !== undefined);
  return s.controllers.map((c) => (/^[a-z+]+:\/\//i.test(c) ? controllerUrl(c) : controllerUrl(`${tls ? 'https' : 'http'}://${c}`)));
}

/** This storage's own TLS material (each storage gets its own agent: two storages may use different certificates). */
export function storageTls(s: LinstorStorage): ClientTls | undefined {
  return clientTlsFromFiles({ cafile: s.apiCa, certfile: s.apiCrt, keyfile: s.apiKey });
}

export async function connect(s: LinstorStorage, opts: { healthTimeoutMs?: number; timeoutMs?: number } = {}): Promise<LinstorClient> {
  const urls = controllerUrls(s);
  const tls = storageTls(s);
  const causes: string[] = [];
  for (const url of urls) {
    // A standby answers /health with 503 (and is skipped at once: no waiting for an election here).
    const probe = new LinstorClient({ controllers: [url], timeoutMs: opts.healthTimeoutMs ?? 5000, failoverTimeoutMs: 0, headers: { 'User-Agent': USER_AGENT }, ...(tls ? { tls } : {}) });
    try {
      await probe.controller.health();
    } catch (e) {
      causes.push(`${url}: ${(e as Error).message}`);
      continue;
    }
    // The healthy (active) controller first, the others behind it for fail-over during the call.
    return new LinstorClient({ controllers: [url, ...urls.filter((u) => u !== url)], timeoutMs: opts.timeoutMs ?? 120_000, headers: { 'User-Agent': USER_AGENT }, ...(tls ? { tls } : {}) });
  }
  throw new NoControllerError(urls, causes);
}
