/**
 * Every request body the real clients send fits the wire contract: each body of the
 * linstor-client 1.27 recording (test/fixtures/linstor-client) and of the transcribed
 * Proxmox, python-linstor, OpenNebula, Cinder and linstor-csi requests (test/fixtures/clients)
 * goes through validateRequest for its spec operation, as the controller's edge does, and none
 * is refused as unparseable. The recording's few bad names and sizes are refused by our rules,
 * exactly those (the replay test checks LINSTOR's answer for each against a real cluster).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { OPERATIONS } from '../../core/api/generated/schemas.js';
import { validateRequest, type RequestKey } from '../../core/api/validate.js';
import { ApiError } from '../../core/model/errors.js';
import { fromRequestJson } from '../../core/model/json.js';
import { REPO_ROOT } from '../helpers/controller.js';
import { specPathFor } from '../helpers/openapi.js';
import { readRecording } from '../compat/linstor-client-recording.js';
import { encodeBody, fill, loadFixture } from '../compat/replay.js';

interface Outcome { refused?: string; parseError?: string }

/** What the controller's edge does with this body: parse the wire text, validate, coerce. */
function atTheEdge(method: string, path: string, text: string): Outcome & { key?: RequestKey } {
  const tpl = specPathFor(method, path);
  const key = `${method} ${tpl}` as RequestKey;
  if (!tpl || !(OPERATIONS as Record<string, { request?: unknown }>)[key]?.request) return {};
  try {
    validateRequest(key, fromRequestJson(text));
    return { key };
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return err.rc === 'API_CALL_PARSE_ERROR' ? { key, parseError: `${err.message} ${err.opts.details ?? ''}` } : { key, refused: err.rc };
  }
}

// The recording's commands whose body LINSTOR refuses by its own checks (names, sizes, keys).
const REFUSED_BY_RULES: Record<string, string> = {
  'linstor storage-pool create filethin alpha fp /tmp/rc-run/run/pools/alpha': 'FAIL_INVLD_STOR_POOL_NAME',
  'linstor storage-pool create filethin bravo fp /tmp/rc-run/run/pools/bravo': 'FAIL_INVLD_STOR_POOL_NAME',
  'linstor storage-pool create filethin charlie fp /tmp/rc-run/run/pools/charlie': 'FAIL_INVLD_STOR_POOL_NAME',
  'linstor node create bad_node! 127.0.5.9': 'FAIL_INVLD_NODE_NAME',
  'linstor resource-definition create 1badname': 'FAIL_INVLD_RSC_NAME',
  [`linstor resource-definition create ${'a'.repeat(72)}`]: 'FAIL_INVLD_RSC_NAME',
  'linstor volume-definition create res3clone 100P': 'FAIL_INVLD_VLM_SIZE',
  'linstor volume-definition create res3clone 0': 'FAIL_INVLD_VLM_SIZE',
  'linstor node create delta 999.1.1.1': 'FAIL_INVLD_NET_ADDR',
  'linstor node set-property alpha NoSuchKey val': 'FAIL_INVLD_PROP',
  'linstor resource-definition set-property res3 DrbdOptions/Net/max-buffers 1': 'FAIL_INVLD_PROP',
};

test('every body linstor-client 1.27 sent parses and coerces; only the bad names, sizes and keys are refused', (t) => {
  const parseErrors: string[] = [];
  const refused: Record<string, string> = {};
  let bodies = 0;
  let validated = 0;
  for (const cmd of readRecording()) {
    for (const req of cmd.requests) {
      if (req.body === undefined) continue;
      bodies++;
      const o = atTheEdge(req.method, req.path, req.body);
      if (o.key) validated++;
      if (o.parseError) parseErrors.push(`line ${cmd.line} ${req.method} ${req.path}: ${o.parseError}`);
      if (o.refused) refused[cmd.command] = o.refused;
    }
  }
  t.log(`${bodies} request bodies, ${validated} validated against their spec operation, ${Object.keys(refused).length} refused by LINSTOR's rules`);
  t.true(bodies > 100, `${bodies} bodies`);
  t.deepEqual(parseErrors, []);
  t.deepEqual(refused, REFUSED_BY_RULES);
});

const CLIENTS = ['linstor-proxmox', 'python-linstor', 'openstack-cinder', 'golinstor-csi', 'opennebula'];
// Values for the fixtures' placeholders: valid names, sizes and ids of the types the clients send.
const VARS: Record<string, string | number> = new Proxy({ sizeKib: 1048576, newSizeKib: 2097152, vmid: 100 } as Record<string, string | number>, {
  get: (o, k: string) => (k in o ? o[k] : `x${k.toLowerCase()}1`),
  has: () => true,
});

test('every body the Proxmox plugin, python-linstor, the Cinder driver, OpenNebula and linstor-csi send is accepted as it is encoded', (t) => {
  const problems: string[] = [];
  let bodies = 0;
  for (const client of CLIENTS) {
    for (const file of readdirSync(join(REPO_ROOT, 'test/fixtures/clients', client)).filter((f) => f.endsWith('.json'))) {
      const fx = loadFixture(client, file.replace(/\.json$/, ''));
      for (const req of fx.requests) {
        if (req.body === undefined) continue;
        bodies++;
        const path = fill(req.path, VARS);
        const o = atTheEdge(req.method, path, encodeBody(fill(req.body, VARS), fx.encoding));
        if (!o.key) problems.push(`${client}/${file} ${req.method} ${path}: no spec operation with a body`);
        else if (o.parseError || o.refused) problems.push(`${client}/${file} ${req.call}: ${o.parseError ?? o.refused}`);
      }
    }
  }
  t.log(`${bodies} transcribed request bodies from ${CLIENTS.length} clients`);
  t.true(bodies > 30, `${bodies} bodies`);
  t.deepEqual(problems, []);
});
