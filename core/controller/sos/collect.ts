/**
 * The controller's part of an SOS report and the report's assembly: which nodes (LINSTOR's
 * `nodes`, `rscs`, `exclude`, `include-ctrl` filters), each selected satellite's part fetched
 * over the authenticated link, the controller's logs, configuration, versions, error reports
 * and database export — all without secrets (core/sos/redact.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { ApiError } from '../../model/errors.js';
import { nameKey } from '../../model/names.js';
import { FEATURE_SOS_REPORT, PROTOCOL_VERSION, type SosPart } from '../../model/satellite-protocol.js';
import { LINSTOR_VERSION } from '../../model/version.js';
import { exportDocument } from '../../store/export.js';
import type { ReportFile } from '../../sos/archive.js';
import { redactJson, redactToml, scrubText, secretValues } from '../../sos/redact.js';
import type { ControllerContext } from '../context.js';
import { getNode, getResourceDefinition } from '../lookup.js';
import { getS3Remote, s3Target } from '../remotes/service.js';

export interface SosFilter {
  nodes: string[];
  rscs: string[];
  exclude: string[];
  includeCtrl: boolean;
  /** Epoch ms: only log lines and error reports from then on. */
  since?: number;
}

/** The satellite nodes the report covers, by their stored names. */
export function selectNodes(ctx: ControllerContext, f: SosFilter): string[] {
  const { state } = ctx;
  const named = new Set<string>();
  for (const n of f.nodes) named.add(getNode(state, n).name);
  for (const r of f.rscs) {
    const rd = getResourceDefinition(state, r);
    for (const res of state.resources.values()) if (nameKey(res.name) === nameKey(rd.name)) named.add(res.nodeName);
  }
  const excluded = new Set(f.exclude.map((n) => nameKey(n)));
  const all = [...state.nodes.values()].filter((n) => n.type !== 'CONTROLLER' && n.type !== 'AUXILIARY').map((n) => n.name);
  const chosen = f.nodes.length || f.rscs.length ? [...named] : all;
  return chosen.filter((n) => !excluded.has(nameKey(n))).sort();
}

/** Every secret value the controller can know, to be masked wherever it shows up. */
export function controllerSecrets(ctx: ControllerContext, configText?: string): string[] {
  const out: string[] = [];
  if (configText) { try { out.push(...secretValues(parse(configText))); } catch { /* not copied either */ } }
  const c = ctx.config;
  for (const v of [c.encrypt.passphrase, process.env.MASTER_PASSPHRASE, c.db.password, c.db.clientKeyPassword, c.https.keystorePassword, c.https.keyPassword,
    c.https.truststorePassword, c.netcom.keystorePassword, c.netcom.keyPassword, c.netcom.truststorePassword]) if (v) out.push(v);
  for (const rd of ctx.state.resourceDefinitions.values()) if (rd.drbd?.secret) out.push(rd.drbd.secret);
  for (const r of ctx.state.remotes.values()) {
    if (r.kind !== 'S3') continue;
    try { const t = s3Target(ctx, getS3Remote(ctx, r.name)); out.push(t.accessKey, t.secretKey); } catch { /* locked: the rows hold them sealed only */ }
  }
  return out;
}

const json = (v: unknown): string => `${JSON.stringify(v, null, 1)}\n`;

/** The controller's own files (under `controller/`). */
export async function controllerPart(ctx: ControllerContext, f: SosFilter): Promise<ReportFile[]> {
  const cfgFile = join(ctx.config.configDirectory, 'linstor.toml');
  const cfgText = existsSync(cfgFile) ? readFileSync(cfgFile, 'utf8') : undefined;
  const known = controllerSecrets(ctx, cfgText);
  const files: ReportFile[] = [];
  files.push(cfgText === undefined
    ? { path: 'config/README', content: `No linstor.toml in ${ctx.config.configDirectory}: the controller runs on its defaults.\n` }
    : { path: 'config/linstor.toml', content: redactToml(cfgText, known) });
  files.push({ path: 'version.json', content: json({ component: 'linstor-controller', version: LINSTOR_VERSION, protocol: PROTOCOL_VERSION, hostname: hostname(), node_js: process.version, platform: `${process.platform} ${process.arch}`, store: ctx.store.kind }) });
  files.push({ path: 'logs/controller.log', content: scrubText(ctx.logRing?.text(f.since) ?? '# this controller keeps no log lines in memory\n', known) });
  const reports = [...ctx.state.errorReports.values()].filter((e) => f.since === undefined || e.time >= f.since).sort((a, b) => a.time - b.time);
  files.push({ path: 'error-reports.json', content: json(redactJson(reports, known)) });
  const doc = await exportDocument(ctx.store, `linstor-controller ${LINSTOR_VERSION} (sos-report, secrets removed)`);
  // The sealed master key and volume keys are no use to anyone reading a report.
  files.push({ path: 'database-export.json', content: json(redactJson({ ...doc, tables: { ...doc.tables, secrets: doc.tables.secrets?.map((r) => ({ key: r.key, value: '***' })) } }, known)) });
  return files;
}

const PART_TIMEOUT_MS = 120_000;

/** A satellite's files (under `nodes/<name>/`); an offline or older satellite leaves a note instead. */
export async function satellitePart(ctx: ControllerContext, node: string, f: SosFilter): Promise<ReportFile[]> {
  const rt = ctx.runtime.nodes.get(nameKey(node));
  if (rt?.status !== 'ONLINE') return [{ path: 'NOT-INCLUDED.txt', content: `The satellite of node '${node}' was not online (${rt?.status ?? 'OFFLINE'}) when the report was made.\n` }];
  if (!(rt.hello?.features ?? []).includes(FEATURE_SOS_REPORT)) return [{ path: 'NOT-INCLUDED.txt', content: `The satellite of node '${node}' does not make SOS reports (older version).\n` }];
  try {
    const part = await ctx.links.request<SosPart>(nameKey(node), { type: 'sos-report', request: f.since === undefined ? {} : { since: f.since } }, PART_TIMEOUT_MS);
    // The satellite masked its own secrets; the controller's are masked again here (a satellite log may quote a request).
    const known = controllerSecrets(ctx);
    return part.files.map((file) => ({ path: file.path, content: scrubText(file.content, known) }));
  } catch (e) {
    return [{ path: 'NOT-INCLUDED.txt', content: `The satellite of node '${node}' did not deliver its part: ${e instanceof ApiError ? e.message : (e as Error).message}\n` }];
  }
}
