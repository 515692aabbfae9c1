#!/usr/bin/env node
import { pino } from 'pino';
import { probeCapabilities } from './capabilities.js';
import { loadConfig } from './config.js';
import { LocalRunner } from '../exec/index.js';
import { LayerRegistry, loadPluggedLayers } from './layers/registry.js';
import { Reconciler } from './reconciler/reconciler.js';
import { SatelliteServer } from './server.js';

/** `linstor-satellite`: the node agent. It keeps no state: the controller sends it all. */
async function main(): Promise<void> {
  const config = loadConfig(process.argv.slice(2));
  const log = pino({ level: config.logLevel, base: { component: 'satellite', node: config.nodeName, pid: process.pid } });
  const runner = new LocalRunner(log.child({ module: 'exec' }));
  const layers = new LayerRegistry();
  const problems = await loadPluggedLayers(layers, { runner, log, nodeName: config.nodeName, dryRun: config.drbdDryRun },
    ['DRBD', 'LUKS', 'NVME', 'WRITECACHE', 'CACHE', 'BCACHE']);
  for (const p of problems) log.error(`layer module not loaded: ${p}`);
  const capabilities = await probeCapabilities(runner, layers);
  log.info({ providers: capabilities.providers, layers: capabilities.layers, unsupportedLayers: capabilities.unsupportedLayers }, 'capabilities probed');
  const reconciler = new Reconciler({ runner, log: log.child({ module: 'reconciler' }), layers, concurrency: config.applyConcurrency });
  const server = new SatelliteServer({ log, runner, reconciler, capabilities, nodeName: config.nodeName, reportIntervalMs: config.reportIntervalMs });
  const { port, address } = await server.listen(config.port, config.bindAddress);
  log.info({ port, address }, `linstor-satellite listening on ${address}:${port}`);
  const stop = (signal: string): void => {
    log.info({ signal }, 'shutting down');
    void server.close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((e: unknown) => {
  process.stderr.write(`linstor-satellite: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
});
