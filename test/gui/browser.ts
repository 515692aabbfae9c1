/**
 * Headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core for the GUI tests:
 * screenshots into test-artifacts/gui/ (gitignored), axe-core accessibility checks, and a
 * browser that is closed — its process killed if need be — even when a test fails.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { REPO_ROOT } from '../helpers/controller.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'gui');

export interface Gui {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Every /v1 request the page made (method and path with query). */
  requests: string[];
  /** Every /v1 answer the page got: request line, status, and the If-None-Match it sent. */
  responses: Array<{ request: string; status: number; ifNoneMatch?: string }>;
  /** Errors the page's scripts threw or logged. */
  pageErrors: string[];
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function openGui(opts: { ignoreHTTPSErrors?: boolean } = {}): Promise<Gui> {
  mkdirSync(ARTIFACTS, { recursive: true });
  // --no-sandbox: the tests run as root, where Chromium's sandbox refuses to start.
  // launchServer: we hold the browser process itself and can kill it if close() hangs.
  const server = await chromium.launchServer({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'], timeout: 60_000 });
  let browser: Browser | undefined;
  try {
    browser = await chromium.connect(server.wsEndpoint());
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ignoreHTTPSErrors: opts.ignoreHTTPSErrors });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const requests: string[] = [];
    const pageErrors: string[] = [];
    const responses: Gui['responses'] = [];
    page.on('response', (r) => {
      const u = new URL(r.url());
      if (u.pathname.startsWith('/v1/')) responses.push({ request: `${r.request().method()} ${u.pathname}${u.search}`, status: r.status(), ifNoneMatch: r.request().headers()['if-none-match'] });
    });
    page.on('request', (r) => { const u = new URL(r.url()); if (u.pathname.startsWith('/v1/')) requests.push(`${r.method()} ${u.pathname}${u.search}`); });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error' && !/status of 4\d\d|status of 50\d/.test(m.text())) pageErrors.push(m.text()); });
    return {
      browser: browser, context, page, requests, responses, pageErrors,
      async screenshot(name) {
        const file = join(ARTIFACTS, `${name}.png`);
        await page.screenshot({ path: file, fullPage: true });
        return file;
      },
      async close() {
        await browser!.close().catch(() => {});
        await server.close().catch(() => {});
        // Still there (a hung close): kill our browser process (only ours, by its handle).
        await server.kill().catch(() => {});
      },
    };
  } catch (e) {
    await browser?.close().catch(() => {});
    await server.kill().catch(() => {});
    throw e;
  }
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation { id: string; impact: string | null; help: string; nodes: Array<{ target: string[] }> }

/** Runs axe-core (WCAG 2 A and AA rules) on the page; returns the violations. */
export async function axe(page: Page): Promise<AxeViolation[]> {
  // The page's CSP forbids inline scripts; evaluate() runs through the debugger, not the page.
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const r = await (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: AxeViolation[] }> } }).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
}
