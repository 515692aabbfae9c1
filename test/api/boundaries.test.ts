/**
 * The wire contract has one edge: no route parses its body by hand (only the route wrapper,
 * core/controller/http/handler.ts, and the bare-string passphrase route read `req.body`, both
 * through validateRequest), the hand-written parser routes/body.ts is gone, and adapters reach
 * LINSTOR only through core/client (its re-exported wire types and return codes), never
 * through the controller's model or the satellite.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import test from 'ava';
import { REPO_ROOT } from '../helpers/controller.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}
const rel = (p: string): string => relative(REPO_ROOT, p);

test('no adapter imports core/model or core/satellite', (t) => {
  const bad = sources(join(REPO_ROOT, 'plugins')).flatMap((f) => readFileSync(f, 'utf8').split('\n')
    .filter((l) => /^\s*(import|export)\b.*from '[./]*core\/(model|satellite)\//.test(l)).map((l) => `${rel(f)}: ${l.trim()}`));
  t.deepEqual(bad, []);
});

test('no controller code reads a request body outside the validated edge, and routes/body is gone', (t) => {
  const core = sources(join(REPO_ROOT, 'core'));
  t.deepEqual(core.filter((f) => readFileSync(f, 'utf8').includes('routes/body')).map(rel), []);
  const readers = core.filter((f) => f.includes('/controller/') && /\breq\.body\b/.test(readFileSync(f, 'utf8'))).map(rel).sort();
  t.deepEqual(readers, [
    'core/controller/app.ts', // parses the text into JSON, before any route
    'core/controller/drbd-proxy/routes.ts', // the spec's compression enum lacks zstd, which linstor-client sends: checked field by field there
    'core/controller/errors/adapter-reports.ts', // POST /v1/error-reports is our extension (no spec operation): checked field by field there
    'core/controller/errors/reporter.ts', // writes the (redacted) body into an error report
    'core/controller/http/error-handler.ts', // refuses bodies nested deeper than any LINSTOR request
    'core/controller/http/handler.ts', // validateRequest for the route's spec operation
    'core/controller/routes/encryption.ts', // the bare JSON string python-linstor sends, through validateRequest
  ]);
});
