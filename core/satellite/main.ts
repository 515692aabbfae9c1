#!/usr/bin/env node
import { join } from 'node:path';
import { LogRing, loggerWithRing } from '../sos/log-ring.js';
import { reloadLogLevelOnHup } from '../bin/log-level-reload.js';
import { probeCapabilities } from './capabilities.js';
import { loadConfig, SatelliteUsageError } from './config.js';
import { LocalRunner } from '../exec/index.js';
import { LayerRegistry, loadPluggedLayers } from './layers/registry.js';
import { PairingStore } from './pairing-store.js';
import { loadIdentity, loadTrust, minTlsVersion } from '../tls/material.js';
import { SatelliteErrorReporter } from './errors/error-reporter.js';
import { crashTestTrigger, reportCrashes } from './errors/crash.js';
import { Reconciler } from './reconciler/reconciler.js';
import { QosThrottler } from './qos/throttler.js';
import { ExtFiles } from './ext-files/ext-files.js';
import { AllowedDirs } from './ext-files/allowed-dirs.js';
import { SatelliteServer } from './server.js';
import { systemdNotifier } from './notify.js';

/** `linstor-satellite`: the node agent. It keeps no state: the controller sends it all. */
async function main(): Promise<void> {
  const config = loadConfig(process.argv.slice(2));
  const pairing = new PairingStore(config.stateDirectory);
  if (config.resetPairing) {
    const had = pairing.reset();
    process.stdout.write(had ? `Pairing removed (${pairing.file}): the next controller to connect pairs with this satellite.\n` : `Not paired (${pairing.file} does not exist).\n`);
    return;
  }
  const paired = pairing.get(); // fails loudly on a damaged file, before anything listens
  const tls = config.netcomType === 'ssl' ? sslMaterial(config) : undefined;
  const logRing = new LogRing();
  const log = loggerWithRing(config.logLevel, logRing, { component: 'satellite', node: config.nodeName, pid: process.pid });
  reloadLogLevelOnHup(log, () => loadConfig(process.argv.slice(2)).logLevel);
  const runner = new LocalRunner(log.child({ module: 'exec' }));
  const layers = new LayerRegistry();
  const problems = await loadPluggedLayers(layers, { runner, log, nodeName: config.nodeName, dryRun: config.drbdDryRun },
    ['DRBD', 'LUKS', 'NVME', 'WRITECACHE', 'CACHE', 'BCACHE']);
  for (const p of problems) log.error(`layer module not loaded: ${p}`);
  const capabilities = await probeCapabilities(runner, layers);
  log.info({ providers: capabilities.providers, layers: capabilities.layers, unsupportedLayers: capabilities.unsupportedLayers }, 'capabilities probed');
  let server: SatelliteServer | undefined;
  const errors = new SatelliteErrorReporter(() => server?.currentNodeName ?? config.nodeName, log.child({ module: 'error-report' }), join(config.stateDirectory, 'error-reports'));
  reportCrashes(errors, log);
  const crashTest = crashTestTrigger();
  const qos = new QosThrottler(config.cgroupRoot, log.child({ module: 'qos' }));
  const reconciler = new Reconciler({ runner, log: log.child({ module: 'reconciler' }), layers, concurrency: config.applyConcurrency, errors, qos });
  // Type=notify: ready once the devices of the first full desired state exist (boot ordering).
  const notify = systemdNotifier(runner, log);
  let ready = false;
  const onApplied = (seq: number): void => {
    if (ready) return;
    ready = true;
    log.info({ seq }, 'first desired state applied: ready');
    void notify('READY=1', `STATUS=Applied the controller's desired state (seq ${seq})`);
    crashTest?.();
  };
  const extFiles = new ExtFiles(new AllowedDirs(config.extFileDirs), config.stateDirectory, log.child({ module: 'ext-files' }), errors);
  server = new SatelliteServer({
    log, runner, reconciler, capabilities, nodeName: config.nodeName, reportIntervalMs: config.reportIntervalMs, pairing, tls, onApplied, errors, extFiles,
    logRing, configDirectory: config.configDirectory,
  });
  const { port, address } = await server.listen(config.port, config.bindAddress);
  log.info({ port, address, netcom: config.netcomType, pairedWith: paired?.clusterId ?? null }, `linstor-satellite listening on ${address}:${port}`);
  if (!ready) void notify(`STATUS=Listening on ${address}:${port}; waiting for the controller's desired state`);
  const stop = (signal: string): void => {
    log.info({ signal }, 'shutting down');
    void server.close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

function sslMaterial(config: ReturnType<typeof loadConfig>) {
  const what = 'linstor_satellite.toml [netcom]';
  const id = loadIdentity(config.tls, config.configDirectory, what);
  const ca = loadTrust(config.tls, config.configDirectory, what);
  if (!id) throw new Error(`${what}: type "ssl" needs server_certificate (a PKCS#12 keystore) or certificate and private_key`);
  if (!ca) throw new Error(`${what}: type "ssl" needs trusted_certificates (a PKCS#12 truststore) or trusted_ca: only peers it holds may connect`);
  return { ...id, ca, minVersion: minTlsVersion(config.tls.sslProtocol, what) };
}

main().catch((e: unknown) => {
  if (e instanceof SatelliteUsageError) { process.stderr.write(`linstor-satellite: error: ${e.message}\n`); process.exit(2); }
  process.stderr.write(`linstor-satellite: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
});
