#!/usr/bin/env node
import { LogRing, loggerWithRing } from '../sos/log-ring.js';
import { reloadLogLevelOnHup } from '../bin/log-level-reload.js';
import { binArgs } from '../bin/options.js';
import { loadControllerConfig } from './config.js';
import { CONTROLLER_VERSION } from './errors/reporter.js';
import { startController } from './server.js';

const values = binArgs({
  name: 'linstor-controller',
  summary: 'The LINSTOR controller: keeps the cluster\'s desired state in its database, serves the REST API v1 and drives the satellites.',
  version: `linstor-controller ${CONTROLLER_VERSION}`,
  options: {
    'config-directory': { type: 'string', default: '/etc/linstor', metavar: 'DIR', help: 'Folder holding linstor.toml (database, REST, TLS settings)' },
    'rest-bind': { type: 'string', metavar: 'ADDR:PORT', help: 'Address and port of the REST API, overriding [http] in linstor.toml' },
    'log-level': { type: 'string', metavar: 'LEVEL', help: 'trace, debug, info, warn or error' },
  },
});
const config = loadControllerConfig(String(values['config-directory']));
const restBind = values['rest-bind'] as string | undefined;
if (restBind) {
  const i = restBind.lastIndexOf(':');
  config.http.listenAddr = restBind.slice(0, i).replace(/^\[|\]$/g, '') || config.http.listenAddr;
  config.http.port = Number(restBind.slice(i + 1));
}
if (values['log-level']) config.logging.level = (values['log-level'] as string).toLowerCase();

const logRing = new LogRing();
const log = loggerWithRing(config.logging.level, logRing).child({ component: 'controller' });
reloadLogLevelOnHup(log, () => (values['log-level'] as string | undefined) ?? loadControllerConfig(String(values['config-directory'])).logging.level);
const running = await startController(config, log, {
  logRing,
  // Fenced: exit so the service manager (Restart=on-failure) starts this controller again as a standby.
  onLeaseLost: (reason) => {
    process.stderr.write(`linstor-controller: lost the lease on the shared database (${reason}); exiting\n`);
    process.exit(75);
  },
}).catch((e: unknown) => {
  process.stderr.write(`linstor-controller: ${(e as Error).message}\n`);
  process.exit(1);
});
// Tests and scripts wait for these lines to learn the ports (HTTP first) and the role.
const role = `(${running.leadership.role})`;
if (config.http.enabled) process.stdout.write(`LINSTOR controller listening on ${config.http.listenAddr}:${running.port} ${role}\n`);
if (running.httpsPort !== undefined) process.stdout.write(`LINSTOR controller HTTPS listening on ${config.https.listenAddr}:${running.httpsPort} ${role}\n`);
void running.active.then((won) => { if (won && running.leadership.role === 'active') process.stdout.write('LINSTOR controller active\n'); });
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => { void running.close().then(() => process.exit(0)); });
}
