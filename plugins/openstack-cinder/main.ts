#!/usr/bin/env node
/**
 * linstor-cinder-api: an OpenStack Block Storage API v3 service backed by a LINSTOR controller.
 *   linstor-cinder-api [--listen-addr 0.0.0.0] [--port 8776] [--controllers linstor://c1,linstor://c2] [--config /etc/linstor/cinder-api.toml]
 */
import { binArgs } from '../../core/bin/options.js';
import { loadConfig } from './config.js';
import { startService } from './server.js';

const values = binArgs({
  name: 'linstor-cinder-api',
  summary: 'An OpenStack Block Storage (Cinder) API v3 service whose volumes live in LINSTOR.',
  options: {
    'listen-addr': { type: 'string', metavar: 'ADDR', help: 'Address to listen on' },
    port: { type: 'string', metavar: 'PORT', help: 'Port to listen on (default from the config file, else 8776)' },
    controllers: { type: 'string', metavar: 'LIST', help: 'LINSTOR controllers, comma separated (linstor://host or http(s)://host:port)' },
    config: { type: 'string', metavar: 'FILE', help: 'Configuration file (TOML)' },
  },
});
const cfg = loadConfig(values.config as string | undefined);
if (values['listen-addr']) cfg.listenAddr = values['listen-addr'] as string;
if (values.port !== undefined) cfg.port = Number(values.port);
if (values.controllers) cfg.controllers = values.controllers as string;

const running = await startService(cfg);
const stop = (): void => { void running.close().then(() => process.exit(0)); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
