import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { TlsFileSettings } from '../tls/material.js';
import { DEFAULT_STATE_DIRECTORY } from './pairing-store.js';
import { DEFAULT_CGROUP_ROOT } from './qos/cgroup-files.js';
import { AllowedDirs } from './ext-files/allowed-dirs.js';

export interface SatelliteConfig {
  configDirectory: string;
  port: number;
  bindAddress: string;
  /** `[netcom] type`: "plain" or "ssl" (then server_certificate/trusted_certificates, or PEM files). */
  netcomType: 'plain' | 'ssl';
  tls: TlsFileSettings & { sslProtocol?: string };
  /** Where the pairing with the controller's cluster is kept. */
  stateDirectory: string;
  /** `--reset-pairing`: forget the paired cluster and exit. */
  resetPairing: boolean;
  /** Node name used until the controller's hello names it (LINSTOR uses `uname -n`). */
  nodeName: string;
  drbdDryRun: boolean;
  reportIntervalMs: number;
  /** Resources applied at the same time (different resources; one resource is never applied twice at once). */
  applyConcurrency: number;
  logLevel: string;
  /** `[qos] cgroup_root` / `--cgroup-root`: where QoS limits are written (core/satellite/qos). */
  cgroupRoot: string;
  /** `[files] allowExtFiles`: the only directories external files may be written to (none: no files). */
  extFileDirs: string[];
}

export const DEFAULT_PORT = 3366;
export const DEFAULT_SSL_PORT = 3367;
/** Without a configured bind_address the satellite is reachable from this machine only. */
export const DEFAULT_BIND_ADDRESS = '127.0.0.1';

const USAGE = `Usage: linstor-satellite [--config-directory DIR] [--port N] [--bind-address ADDR]
                         [--node-name NAME] [--drbd-dry-run] [--report-interval-ms N] [--log-level LEVEL]
                         [--state-directory DIR] [--reset-pairing] [--apply-concurrency N]
                         [--cgroup-root DIR]`;

/**
 * Flags override `<config-directory>/linstor_satellite.toml` ([netcom] type, port,
 * bind_address and the SSL keys of LINSTOR's guide), which overrides the defaults: port 3366
 * (3367 for SSL) on 127.0.0.1 — a satellite listens elsewhere only when told to.
 */
/** A bad command line: main prints the message and usage (no stack) and exits 2. */
export class SatelliteUsageError extends Error {}

const KNOWN_FLAGS = new Set(['config-directory', 'port', 'bind-address', 'node-name', 'drbd-dry-run', 'report-interval-ms', 'log-level', 'state-directory', 'reset-pairing', 'apply-concurrency', 'cgroup-root']);

export function loadConfig(argv: string[]): SatelliteConfig {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h' || a === '--help') {
      process.stdout.write(USAGE + '\n');
      process.exit(0);
    }
    if (!a.startsWith('--')) throw new SatelliteUsageError(`unexpected argument '${a}'\n${USAGE}`);
    const eq = a.indexOf('=');
    // An unknown option is an error (a typo must not start a satellite on the default port).
    if (!KNOWN_FLAGS.has(a.slice(2, eq > 0 ? eq : undefined))) throw new SatelliteUsageError(`unknown option '${a.slice(0, eq > 0 ? eq : undefined)}'\n${USAGE}`);
    if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
    else if (a === '--drbd-dry-run') flags.set('drbd-dry-run', true);
    else if (a === '--reset-pairing') flags.set('reset-pairing', true);
    else {
      const v = argv[++i];
      if (v === undefined) throw new SatelliteUsageError(`${a} needs a value\n${USAGE}`);
      flags.set(a.slice(2), v);
    }
  }
  const str = (k: string): string | undefined => (typeof flags.get(k) === 'string' ? (flags.get(k) as string) : undefined);
  const configDirectory = str('config-directory') ?? '/etc/linstor';
  const toml = readToml(join(configDirectory, 'linstor_satellite.toml'));
  const netcom = (toml['netcom'] ?? {}) as Record<string, unknown>;
  const netcomType = String(netcom['type'] ?? 'plain').toLowerCase();
  if (netcomType !== 'plain' && netcomType !== 'ssl') throw new Error(`linstor_satellite.toml: [netcom] type must be "plain" or "ssl", not '${netcomType}'`);
  const port = Number(str('port') ?? netcom['port'] ?? (netcomType === 'ssl' ? DEFAULT_SSL_PORT : DEFAULT_PORT));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port '${String(port)}'`);
  const text = (k: string): string | undefined => (typeof netcom[k] === 'string' && netcom[k] !== '' ? String(netcom[k]) : undefined);
  const tls: TlsFileSettings & { sslProtocol?: string } = {
    keystore: text('server_certificate'), keystorePassword: text('keystore_password'), keyPassword: text('key_password'),
    truststore: text('trusted_certificates'), truststorePassword: text('truststore_password'),
    certificate: text('certificate'), privateKey: text('private_key'), trustedCa: text('trusted_ca'), sslProtocol: text('ssl_protocol'),
  };
  for (const k of Object.keys(tls) as Array<keyof typeof tls>) if (tls[k] === undefined) delete tls[k];
  const logging = (toml['logging'] ?? {}) as Record<string, unknown>;
  const files = (toml['files'] ?? {}) as Record<string, unknown>;
  const extFileDirs = AllowedDirs.parse(files['allowExtFiles'], 'linstor_satellite.toml [files] allowExtFiles');
  const qos = (toml['qos'] ?? {}) as Record<string, unknown>;
  const cgroupRoot = str('cgroup-root') ?? (typeof qos['cgroup_root'] === 'string' && qos['cgroup_root'] !== '' ? qos['cgroup_root'] : DEFAULT_CGROUP_ROOT);
  if (!isAbsolute(cgroupRoot)) throw new SatelliteUsageError(`the cgroup root must be an absolute path, not '${cgroupRoot}'`);
  const applyConcurrency = Number(str('apply-concurrency') ?? 4);
  if (!Number.isInteger(applyConcurrency) || applyConcurrency < 1) throw new Error(`invalid --apply-concurrency '${String(str('apply-concurrency'))}' (a whole number, at least 1)`);
  return {
    configDirectory,
    port,
    bindAddress: str('bind-address') ?? (typeof netcom['bind_address'] === 'string' ? netcom['bind_address'] : DEFAULT_BIND_ADDRESS),
    netcomType: netcomType as 'plain' | 'ssl',
    tls,
    stateDirectory: str('state-directory') ?? process.env.LINSTOR_SATELLITE_STATE_DIR ?? DEFAULT_STATE_DIRECTORY,
    resetPairing: flags.get('reset-pairing') === true,
    nodeName: str('node-name') ?? hostname(),
    drbdDryRun: flags.get('drbd-dry-run') === true,
    reportIntervalMs: Number(str('report-interval-ms') ?? 10_000),
    applyConcurrency,
    logLevel: str('log-level') ?? (typeof logging['level'] === 'string' ? logging['level'].toLowerCase() : 'info'),
    cgroupRoot,
    extFileDirs,
  };
}

function readToml(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return {}; // no file: defaults, as LINSTOR
  }
  return parseToml(text) as Record<string, unknown>;
}
