/**
 * The web GUI's files at /ui, served by the controller's own HTTP/HTTPS listeners (no second
 * server). The browser modules are the project's tsc output next to this file (dist/core/ui/web);
 * the page and style sheet are constants. Only names found in that folder when the controller
 * started are served: a request path is looked up in that table and never joined onto a
 * directory, so `/ui/../x`, encoded dots or backslashes cannot reach another file.
 * The files are public (the login form must load without credentials); every call the page
 * makes goes to /v1/... and passes the API's own authentication.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { INDEX_HTML, STYLE_CSS } from './page.js';

const WEB_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'web');

const HEADERS = {
  'Cache-Control': 'no-cache',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  // Everything from this origin only; no inline script, no framing.
  'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
};

interface Asset { type: string; body: Buffer }

/** The table of servable files: name under /ui/ → content (read once). */
function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  assets.set('', { type: 'text/html; charset=utf-8', body: Buffer.from(INDEX_HTML) });
  assets.set('index.html', assets.get('')!);
  assets.set('style.css', { type: 'text/css; charset=utf-8', body: Buffer.from(STYLE_CSS) });
  const walk = (sub: string) => {
    let entries;
    try { entries = readdirSync(join(dir, sub), { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (e.isDirectory()) walk(rel);
      else if (e.isFile() && e.name.endsWith('.js')) assets.set(rel, { type: 'text/javascript; charset=utf-8', body: readFileSync(join(dir, rel)) });
    }
  };
  walk('');
  return assets;
}

/** Whether a request is for the GUI (`/ui`, `/ui/...`), any case as the API's paths. */
export function isUiPath(url: string | undefined): boolean {
  return /^\/ui(\/|\?|$)/i.test(url ?? '');
}

/** A node request listener for /ui and everything below it. */
export function uiHandler(dir = WEB_DIR): (req: IncomingMessage, res: ServerResponse) => void {
  let assets: Map<string, Asset> | undefined;
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('Method not allowed\n');
      return;
    }
    if (!/^\/ui\//.test(path)) {
      // `/ui` (or another spelling): the page's relative module paths need the trailing slash.
      res.writeHead(301, { Location: '/ui/', 'Content-Length': '0' }).end();
      return;
    }
    assets ??= loadAssets(dir);
    const a = assets.get(path.slice('/ui/'.length));
    if (!a) {
      res.writeHead(404, { ...HEADERS, 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found\n');
      return;
    }
    res.writeHead(200, { ...HEADERS, 'Content-Type': a.type, 'Content-Length': String(a.body.length) });
    res.end(req.method === 'HEAD' ? undefined : a.body);
  };
}
