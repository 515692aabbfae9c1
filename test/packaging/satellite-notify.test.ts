/**
 * The satellite's systemd readiness (linstor-satellite.service is Type=notify): started with
 * NOTIFY_SOCKET pointing at a real unix datagram socket (bound by a python3 receiver, as
 * systemd binds its own), it reports a status at once and READY=1 only after it applied the
 * controller's first full desired state.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { call, FAST_LINK_ENV, waitFor } from '../e2e/cluster.js';
import { startController } from '../helpers/controller.js';
import { randomSuffix, startSatellite } from '../helpers/satellite.js';

// Prints every datagram (one JSON string per line); closes descriptors passed for sd_notify's barrier.
const RECEIVER = `
import json, os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print(json.dumps("bound"), flush=True)
while True:
    data, anc, flags, addr = s.recvmsg(65536, socket.CMSG_SPACE(64))
    for level, kind, payload in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            for i in range(0, len(payload) - len(payload) % 4, 4):
                os.close(int.from_bytes(payload[i:i + 4], sys.byteorder))
    print(json.dumps(data.decode()), flush=True)
`;

test('READY=1 reaches NOTIFY_SOCKET only after the first full apply', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'linstor-notify-'));
  const socketPath = join(dir, 'notify.sock');
  const got: Array<{ at: number; text: string }> = [];
  const receiver = spawn('python3', ['-c', RECEIVER, socketPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  let buf = '';
  receiver.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      got.push({ at: Date.now(), text: JSON.parse(buf.slice(0, i)) as string });
      buf = buf.slice(i + 1);
    }
  });
  const ctl = await startController({ env: FAST_LINK_ENV });
  t.teardown(async () => {
    await ctl.stop();
    receiver.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  await waitFor('receiver bound', () => got.some((g) => g.text === 'bound'));

  const node = `notify-${randomSuffix()}`;
  const notified = await startSatellite({ address: '127.0.0.1', nodeName: node, env: { NOTIFY_SOCKET: socketPath } });
  t.teardown(() => notified.kill9());
  await waitFor('status before any controller', () => got.some((g) => g.text.includes('STATUS=Listening on')), 30_000);
  await new Promise((r) => setTimeout(r, 1000));
  t.false(got.some((g) => g.text.includes('READY=1')), 'not ready before the controller pushed a desired state');

  const registeredAt = Date.now();
  const r = await call(ctl, 'POST', '/v1/nodes', { name: node, type: 'SATELLITE', net_interfaces: [{ name: 'default', address: '127.0.0.1', satellite_port: notified.port }] });
  t.is(r.status, 201);
  const ready = await waitFor('READY=1', () => got.find((g) => g.text.split('\n').includes('READY=1')), 30_000);
  t.true(ready.at >= registeredAt);
  t.regex(ready.text, /STATUS=Applied the controller's desired state/);
  t.regex(ready.text, new RegExp(`MAINPID=${notified.proc.pid}`));
  t.regex(notified.logs.join('\n'), /first desired state applied: ready/);
});
