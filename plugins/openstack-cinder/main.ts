#!/usr/bin/env node
/**
 * linstor-cinder-api: an OpenStack Block Storage API v3 service backed by a LINSTOR controller.
 *   linstor-cinder-api [--listen-addr 0.0.0.0] [--port 8776] [--controllers linstor://c1,linstor://c2] [--config /etc/linstor/cinder-api.toml]
 */
import { parseArgs } from 'node:util';
import { loadConfig } from './config.js';
import { startService } from './server.js';

const { values } = parseArgs({
  options: {
    'listen-addr': { type: 'string' }, port: { type: 'string' }, controllers: { type: 'string' }, config: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write('usage: linstor-cinder-api [--listen-addr ADDR] [--port 8776] [--controllers LIST] [--config FILE]\n');
  process.exit(0);
}
const cfg = loadConfig(values.config);
if (values['listen-addr']) cfg.listenAddr = values['listen-addr'];
if (values.port !== undefined) cfg.port = Number(values.port);
if (values.controllers) cfg.controllers = values.controllers;

const running = await startService(cfg);
const stop = (): void => { void running.close().then(() => process.exit(0)); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
