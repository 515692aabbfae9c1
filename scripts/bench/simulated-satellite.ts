#!/usr/bin/env node
/**
 * Benchmark only: a real satellite (server, reconciler, layers, FILE_THIN provider, real sparse
 * files) whose `losetup` is simulated (simulated-losetup.ts), so a node can hold 5,000 volumes
 * without kernel loop devices. Prints "listening <address> <port>" once ready.
 * Run: node dist/scripts/bench/simulated-satellite.js ADDRESS NODE_NAME
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { PairingStore } from '../../core/satellite/pairing-store.js';
import { probeCapabilities } from '../../core/satellite/capabilities.js';
import { LayerRegistry } from '../../core/satellite/layers/registry.js';
import { Reconciler } from '../../core/satellite/reconciler/reconciler.js';
import { SatelliteServer } from '../../core/satellite/server.js';
import { SimulatedLosetup } from './simulated-losetup.js';

const [address = '127.0.0.1', nodeName = 'simulated'] = process.argv.slice(2);
const log = pino({ level: process.env.LINSTOR_LOG_LEVEL ?? 'warn', base: { component: 'satellite', node: nodeName } });
const runner = new SimulatedLosetup();
const layers = new LayerRegistry();
const capabilities = await probeCapabilities(runner, layers);
// No device node appears for a simulated loop device: nothing to wait for.
const reconciler = new Reconciler({ runner, log, layers, providerContext: { waitForDevice: async () => {} } });
const pairing = new PairingStore(mkdtempSync(join(tmpdir(), 'bench-sim-state-')));
const server = new SatelliteServer({ log, runner, reconciler, capabilities, nodeName, reportIntervalMs: 10_000, pairing });
const { port } = await server.listen(0, address);
process.stdout.write(`listening ${address} ${port}\n`);
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => { void server.close().then(() => process.exit(0)); });
