/**
 * Every command recorded in test/fixtures/linstor-client/requests-1.27.txt (what linstor-client
 * 1.27 sends, captured on the wire) is run through our `linstor` against a capturing HTTP
 * server. Our first request, and every request that changes something, must equal the recorded
 * one: method, path with query, and the JSON body including key order and value types.
 * (The capturing server answers like a controller that has nothing: empty lists, SUCCESS replies.)
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { run } from '../../core/cli/run.js';
import { REPO_ROOT } from '../helpers/controller.js';

interface Req { method: string; path: string; body?: string }
interface Entry { line: string; argv: string[]; requests: Req[] }

/**
 * Splits a recorded command line. The recording lost the shell quotes around descriptions
 * (`-d second group` was `-d "second group"`), so a -d value runs to the next option.
 */
function splitRecorded(line: string): string[] {
  const words = line.trim().split(/\s+/);
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    out.push(words[i]!);
    if (words[i] === '-d' && /^(create|modify)$/.test(words[1] ?? '') && words[0] === 'resource-group') {
      const value: string[] = [];
      while (i + 1 < words.length && !words[i + 1]!.startsWith('-')) value.push(words[++i]!);
      out.push(value.join(' '));
    }
  }
  return out;
}

function parseFixture(text: string): Entry[] {
  const out: Entry[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('$ linstor ')) { out.push({ line, argv: splitRecorded(line.slice('$ linstor '.length)), requests: [] }); continue; }
    const m = /^ {2}([A-Z]+) (\S+) ?(.*)$/.exec(line);
    if (m && out.length) out[out.length - 1]!.requests.push({ method: m[1]!, path: m[2]!, ...(m[3] ? { body: m[3] } : {}) });
  }
  return out;
}

/** JSON as a canonical string that keeps key order and distinguishes "2" from 2. */
const canon = (body: string | undefined): string | undefined => (body === undefined || body === '' ? undefined : JSON.stringify(JSON.parse(body)));

const SUCCESS = '[{"ret_code": 1, "message": "ok"}]';
function answer(req: IncomingMessage): string {
  const url = req.url ?? '';
  if (req.method === 'GET' && /\/clone\/[^/]+$/.test(url)) return '{"status": "COMPLETE"}';
  if (req.method === 'POST' && /\/clone$/.test(url)) return `{"location": "${url}/x", "source_name": "${url.split('/')[3]}", "clone_name": "res3clone", "messages": ${SUCCESS}}`;
  if (/query-max-volume-size/.test(url)) return '{"candidates": [], "default_max_oversubscription_ratio": 20}';
  if (/query-size-info/.test(url)) return '{"space_info": {"max_vlm_size_in_kib": 0, "available_size_in_kib": 0, "capacity_in_kib": 0, "next_spawn_result": []}}';
  if (req.method !== 'GET') return SUCCESS;
  if (url === '/v1/controller/properties') return '{}';
  if (url === '/v1/remotes') return '{"s3_remotes": [], "linstor_remotes": [], "ebs_remotes": []}';
  if (url === '/v1/schedules') return '{"data": []}';
  if (url === '/v1/space-report') return '{"report": ""}';
  return '[]';
}

let server: Server;
let base = '';
const seen: Req[] = [];

test.before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      seen.push({ method: req.method!, path: req.url!, ...(body ? { body } : {}) });
      res.writeHead(200, { 'content-type': 'application/json' }).end(answer(req));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
test.after.always(() => new Promise<void>((r) => server.close(() => r())));

const entries = parseFixture(readFileSync(join(REPO_ROOT, 'test/fixtures/linstor-client/requests-1.27.txt'), 'utf8'));

test('the fixture holds the ~230 recorded commands', (t) => {
  t.true(entries.length >= 230, `${entries.length} commands`);
});

test.serial('each recorded command sends the same first request and the same changing requests as linstor-client 1.27', async (t) => {
  const mismatches: string[] = [];
  for (const e of entries) {
    seen.length = 0;
    const globals = e.argv.filter((a, i) => i < e.argv.findIndex((x) => !x.startsWith('-')) && a.startsWith('-'));
    const rest = e.argv.slice(globals.length);
    await run([...globals, '--controllers', base, ...rest], { out: () => {}, err: () => {}, isTTY: false, env: { LINSTOR_CLIENT_CONF: '/nonexistent' } });
    const show = (r: Req | undefined): string => (r ? `${r.method} ${r.path} ${canon(r.body) ?? ''}` : '(nothing)');
    // The recording kept one GET /v1/resource-groups per session; a second `rg list` starts at its volume groups.
    const first = e.requests[0]?.path.endsWith('/volume-groups') && e.argv.join(' ') === 'resource-group list' ? undefined : e.requests[0];
    if (first && show(seen[0]) !== show(first)) mismatches.push(`${e.line}\n    want ${show(first)}\n    got  ${show(seen[0])}`);
    const want = e.requests.filter((r) => r.method !== 'GET').map(show);
    const got = seen.filter((r) => r.method !== 'GET').map(show);
    if (JSON.stringify(want) !== JSON.stringify(got)) mismatches.push(`${e.line}\n    want ${want.join(' | ')}\n    got  ${got.join(' | ')}`);
  }
  t.deepEqual(mismatches, [], `${mismatches.length} commands differ:\n${mismatches.join('\n')}`);
});
