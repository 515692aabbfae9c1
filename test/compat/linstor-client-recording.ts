/**
 * Reads test/fixtures/linstor-client/requests-1.27.txt: the requests LINBIT's linstor-client
 * 1.27 put on the wire, one "$ linstor ..." command followed by "METHOD PATH [BODY]" lines.
 * Bodies stay as the text the client sent (python's json.dumps), so a replay sends the same
 * bytes; only the recording's addresses, ports and folders are rewritten to the test's own.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/controller.js';

export interface RecordedRequest { method: string; path: string; body?: string }
export interface RecordedCommand { line: number; command: string; requests: RecordedRequest[] }

export const RECORDING = join(REPO_ROOT, 'test/fixtures/linstor-client/requests-1.27.txt');

export function readRecording(path = RECORDING): RecordedCommand[] {
  const out: RecordedCommand[] = [];
  const lines = readFileSync(path, 'utf8').split('\n');
  lines.forEach((raw, i) => {
    if (raw.startsWith('$ ')) { out.push({ line: i + 1, command: raw.slice(2), requests: [] }); return; }
    const m = /^ {2}([A-Z]+) (\S+) ?(.*)$/.exec(raw);
    if (!m) return;
    const cmd = out[out.length - 1];
    if (!cmd) throw new Error(`request before any command at line ${i + 1}`);
    cmd.requests.push({ method: m[1]!, path: m[2]!, ...(m[3]!.trim() ? { body: m[3]!.trim() } : {}) });
  });
  return out;
}

export interface Rewrite {
  /** The recording's folder prefix ("/tmp/rc-run/run") → the test's folder. */
  folder: string;
  /** Node name → the port its satellite really listens on (the recording used 3366). */
  ports: Record<string, number>;
}

/** The request as this test sends it: the test's folders and the satellites' real ports. */
export function rewrite(req: RecordedRequest, to: Rewrite): RecordedRequest {
  if (req.body === undefined) return req;
  // Inside JSON strings: the folder never needs escaping (letters, digits, '/', '-', '_').
  let body = req.body.split('/tmp/rc-run/run').join(to.folder);
  if (req.method === 'POST' && req.path === '/v1/nodes') {
    const name = (JSON.parse(body) as { name?: string }).name ?? '';
    const port = to.ports[name];
    if (port !== undefined) body = body.replace('"satellite_port": 3366', `"satellite_port": ${port}`);
  }
  return { ...req, body };
}
