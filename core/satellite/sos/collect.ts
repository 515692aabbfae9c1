/**
 * A satellite's part of an SOS report (`linstor sos-report create/download`): its log lines,
 * its configuration without secrets, versions, and what the storage tools say. Every command
 * is a fixed argv run through the exec layer; a tool this node lacks is recorded as missing,
 * a failing one with its exit code: neither stops the report.
 */
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ExecError, formatArgv, type CommandRunner } from '../../exec/index.js';
import { LINSTOR_VERSION } from '../../model/version.js';
import { PROTOCOL_VERSION, type SosPart, type SosPartRequest } from '../../model/satellite-protocol.js';
import type { ReportFile } from '../../sos/archive.js';
import type { LogRing } from '../../sos/log-ring.js';
import { redactToml, scrubText, secretValues } from '../../sos/redact.js';
import { parse } from 'smol-toml';

/** What each command's file is called in the report, and its argv. */
export function sosCommands(sinceMs?: number): Array<{ file: string; argv: string[] }> {
  const since = sinceMs === undefined ? [] : ['--since', `@${Math.floor(sinceMs / 1000)}`];
  return [
    { file: 'uname', argv: ['uname', '-a'] },
    { file: 'drbdadm-version', argv: ['drbdadm', '--version'] },
    { file: 'drbdadm-status', argv: ['drbdadm', 'status'] },
    { file: 'drbdadm-dump', argv: ['drbdadm', 'dump'] },
    { file: 'drbdsetup-events2', argv: ['drbdsetup', 'events2', '--now', '--statistics'] },
    { file: 'lvs', argv: ['lvs', '-a', '-o', '+devices,lv_tags'] },
    { file: 'vgs', argv: ['vgs'] },
    { file: 'pvs', argv: ['pvs'] },
    { file: 'losetup', argv: ['losetup', '--list'] },
    { file: 'zfs-list', argv: ['zfs', 'list', '-t', 'all'] },
    { file: 'zpool-status', argv: ['zpool', 'status'] },
    { file: 'lsblk', argv: ['lsblk', '--output', 'NAME,KNAME,MAJ:MIN,SIZE,TYPE,MOUNTPOINT'] },
    { file: 'journal', argv: ['journalctl', '--no-pager', '-u', 'linstor-satellite', ...since] },
  ];
}

export interface CommandOutcome { argv: string[]; status: 'ok' | 'failed' | 'missing'; exitCode?: number }

/** Runs one command; the file says what ran and how it ended, whatever happened. */
export async function runForReport(runner: CommandRunner, argv: string[], known: readonly string[]): Promise<{ outcome: CommandOutcome; text: string }> {
  const head = `$ ${formatArgv(argv)}\n`;
  try {
    const r = await runner.run(argv, { timeoutMs: 20_000, quiet: true });
    return { outcome: { argv, status: 'ok', exitCode: 0 }, text: scrubText(`${head}${r.stdout}${r.stderr ? `\n--- stderr ---\n${r.stderr}` : ''}`, known) };
  } catch (e) {
    if (!(e instanceof ExecError)) throw e;
    // spawn() failed (ENOENT): the tool is not installed on this node.
    if (e.exitCode === -1 && !e.timedOut) {
      return { outcome: { argv, status: 'missing' }, text: `${head}# missing: '${argv[0]}' is not installed on this node (${e.stderr.trim()})\n` };
    }
    const res = e.result;
    return {
      outcome: { argv, status: 'failed', exitCode: res?.exitCode },
      text: scrubText(`${head}# ${e.timedOut ? 'timed out' : `exit code ${res?.exitCode}`}\n${res?.stdout ?? ''}\n--- stderr ---\n${res?.stderr ?? ''}`, known),
    };
  }
}

export interface SatelliteSosDeps {
  runner: CommandRunner;
  ring?: LogRing;
  configDirectory?: string;
  nodeName: string;
  /** Secrets the satellite holds now (DRBD shared secrets, LUKS keys of its resources). */
  knownSecrets: () => string[];
  capabilities: unknown;
}

export async function collectSatelliteSos(deps: SatelliteSosDeps, req: SosPartRequest): Promise<SosPart> {
  const files: ReportFile[] = [];
  const known = [...deps.knownSecrets()];
  const cfgFile = deps.configDirectory ? join(deps.configDirectory, 'linstor_satellite.toml') : undefined;
  if (cfgFile && existsSync(cfgFile)) {
    const text = readFileSync(cfgFile, 'utf8');
    try { known.push(...secretValues(parse(text))); } catch { /* redactToml says it does not parse */ }
    files.push({ path: 'config/linstor_satellite.toml', content: redactToml(text, known) });
  } else {
    files.push({ path: 'config/README', content: `No linstor_satellite.toml in ${deps.configDirectory ?? '(no config directory)'}: the satellite runs on its defaults.\n` });
  }
  const outcomes: CommandOutcome[] = [];
  for (const c of sosCommands(req.since)) {
    const { outcome, text } = await runForReport(deps.runner, c.argv, known);
    outcomes.push(outcome);
    files.push({ path: `commands/${c.file}.txt`, content: text });
  }
  files.push({ path: 'commands/summary.json', content: `${JSON.stringify(outcomes, null, 1)}\n` });
  files.push({
    path: 'version.json',
    content: `${JSON.stringify({ component: 'linstor-satellite', version: LINSTOR_VERSION, protocol: PROTOCOL_VERSION, node: deps.nodeName, hostname: hostname(), node_js: process.version, platform: `${process.platform} ${process.arch}`, capabilities: deps.capabilities }, null, 1)}\n`,
  });
  files.push({ path: 'logs/satellite.log', content: scrubText(deps.ring?.text(req.since) ?? '# this satellite keeps no log lines in memory\n', known) });
  return { files };
}
