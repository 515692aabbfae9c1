import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';

export interface SatelliteConfig {
  configDirectory: string;
  port: number;
  bindAddress: string;
  /** Node name used until the controller's hello names it (LINSTOR uses `uname -n`). */
  nodeName: string;
  drbdDryRun: boolean;
  reportIntervalMs: number;
  /** Resources applied at the same time (different resources; one resource is never applied twice at once). */
  applyConcurrency: number;
  logLevel: string;
}

export const DEFAULT_PORT = 3366;

const USAGE = `Usage: linstor-satellite [--config-directory DIR] [--port N] [--bind-address ADDR]
                         [--node-name NAME] [--drbd-dry-run] [--report-interval-ms N]
                         [--apply-concurrency N] [--log-level LEVEL]`;

/**
 * Flags override `<config-directory>/linstor_satellite.toml` ([netcom] port, bind_address),
 * which overrides the defaults (port 3366 on all addresses), as LINSTOR's satellite does.
 */
export function loadConfig(argv: string[]): SatelliteConfig {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h' || a === '--help') {
      process.stdout.write(USAGE + '\n');
      process.exit(0);
    }
    if (!a.startsWith('--')) throw new Error(`unexpected argument '${a}'\n${USAGE}`);
    const eq = a.indexOf('=');
    if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
    else if (a === '--drbd-dry-run') flags.set('drbd-dry-run', true);
    else {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      flags.set(a.slice(2), v);
    }
  }
  const str = (k: string): string | undefined => (typeof flags.get(k) === 'string' ? (flags.get(k) as string) : undefined);
  const configDirectory = str('config-directory') ?? '/etc/linstor';
  const toml = readToml(join(configDirectory, 'linstor_satellite.toml'));
  const netcom = (toml['netcom'] ?? {}) as Record<string, unknown>;
  const port = Number(str('port') ?? netcom['port'] ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port '${String(port)}'`);
  const logging = (toml['logging'] ?? {}) as Record<string, unknown>;
  const applyConcurrency = Number(str('apply-concurrency') ?? 4);
  if (!Number.isInteger(applyConcurrency) || applyConcurrency < 1) throw new Error(`invalid --apply-concurrency '${String(str('apply-concurrency'))}' (a whole number, at least 1)`);
  return {
    configDirectory,
    port,
    bindAddress: str('bind-address') ?? (typeof netcom['bind_address'] === 'string' ? netcom['bind_address'] : '0.0.0.0'),
    nodeName: str('node-name') ?? hostname(),
    drbdDryRun: flags.get('drbd-dry-run') === true,
    reportIntervalMs: Number(str('report-interval-ms') ?? 10_000),
    applyConcurrency,
    logLevel: str('log-level') ?? (typeof logging['level'] === 'string' ? logging['level'].toLowerCase() : 'info'),
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
