#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { loadControllerConfig } from './config.js';
import { startController } from './server.js';

/** `linstor-controller [--config-directory DIR] [--rest-bind ADDR:PORT]` */
const { values } = parseArgs({
  options: {
    'config-directory': { type: 'string', default: '/etc/linstor' },
    'rest-bind': { type: 'string' },
    'log-level': { type: 'string' },
  },
});
const config = loadControllerConfig(values['config-directory']);
if (values['rest-bind']) {
  const i = values['rest-bind'].lastIndexOf(':');
  config.http.listenAddr = values['rest-bind'].slice(0, i).replace(/^\[|\]$/g, '') || config.http.listenAddr;
  config.http.port = Number(values['rest-bind'].slice(i + 1));
}
if (values['log-level']) config.logging.level = values['log-level'];

const running = await startController(config).catch((e: unknown) => {
  process.stderr.write(`linstor-controller: ${(e as Error).message}\n`);
  process.exit(1);
});
// Tests and scripts wait for these lines to learn the ports (HTTP first).
if (config.http.enabled) process.stdout.write(`LINSTOR controller listening on ${config.http.listenAddr}:${running.port}\n`);
if (running.httpsPort !== undefined) process.stdout.write(`LINSTOR controller HTTPS listening on ${config.https.listenAddr}:${running.httpsPort}\n`);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => { void running.close().then(() => process.exit(0)); });
}
