/**
 * `GET/PUT /v1/controller/config` (what the controller runs with; the log level can be changed
 * live, as `linstor controller set-log-level` does) and `GET /v1/space-report`
 * (`linstor space-reporting query`).
 */
import { sharedSpaceOf } from '../../model/shared-space.js';
import { createHash } from 'node:crypto';
import type { Request, Router } from 'express';
import type * as api from '../../api/index.js';
import { rcEntry, type ApiCallRc } from '../../model/apicallrc.js';
import { nameKey } from '../../model/names.js';
import type { ControllerConfig } from '../config.js';
import type { ControllerContext } from '../context.js';
import { route } from '../http/handler.js';
import { askedLevel, linstorLevel, setSatelliteLogLevel } from './satellite-config.js';

const CTRL = 'CTRL_CONF' as const;

/** A ControllerConfig: what this controller was started with and its current log level (no secrets). */
function controllerConfigView(req: Request, cfg: ControllerConfig, level: string): api.ControllerConfig {
  return {
    config: { dir: cfg.configDirectory },
    log: { level: level as api.LogLevel, level_linstor: level as api.LogLevel, print_stack_trace: false },
    db: { connection_url: cfg.db.connectionUrl.replace(/\/\/[^@/]*@/, '//***@') },
    http: { enabled: true, listen_address: req.socket.localAddress ?? cfg.http.listenAddr, port: req.socket.localPort ?? cfg.http.port },
    https: { enabled: cfg.https.enabled, listen_address: cfg.https.listenAddr, port: cfg.https.port },
    ldap: { enabled: cfg.ldap.enabled, public_access_allowed: cfg.ldap.allowPublicAccess, uri: cfg.ldap.uri, dn: cfg.ldap.dn, search_base: cfg.ldap.searchBase, search_filter: cfg.ldap.searchFilter },
  };
}

/** The space report: per pool what the satellites last reported, and a checksum over it. */
function spaceReport(ctx: ControllerContext, now: Date): string {
  const rows: string[] = [];
  let allocated = 0;
  const pools = [...ctx.state.storagePools.values()].filter((p) => p.providerKind !== 'DISKLESS')
    .sort((a, b) => a.nodeName.localeCompare(b.nodeName) || a.name.localeCompare(b.name));
  // The pools of one shared space report one backing store: it is counted once.
  const counted = new Set<string>();
  for (const p of pools) {
    const rep = ctx.runtime.pools.get(`${nameKey(p.nodeName)}/${nameKey(p.name)}`);
    const used = rep ? Math.max(0, rep.totalCapacityKib - rep.freeCapacityKib) : undefined;
    const space = sharedSpaceOf(p);
    if (used !== undefined && !(space !== undefined && counted.has(space))) allocated += used;
    if (used !== undefined && space !== undefined) counted.add(space);
    rows.push([p.nodeName, p.name, p.providerKind, rep?.totalCapacityKib ?? 'unknown', rep?.freeCapacityKib ?? 'unknown', used ?? 'unknown'].join('\t'));
  }
  const body = [
    'LINSTOR space report',
    `Generated: ${now.toISOString()}`,
    '',
    ['Node', 'StoragePool', 'Provider', 'TotalKiB', 'FreeKiB', 'AllocatedKiB'].join('\t'),
    ...rows,
    '',
    `Total allocated capacity: ${allocated} KiB in ${pools.length} storage pool(s)${counted.size ? ` (${counted.size} shared space(s) counted once)` : ''}`,
  ].join('\n');
  return `${body}\nSHA-256: ${createHash('sha256').update(body).digest('hex')}\n`;
}

export function registerControllerConfigRoutes(r: Router, ctx: ControllerContext): void {
  const { reporter } = ctx;

  r.get('/v1/controller/config', route(reporter, { obj: CTRL }, 200, (req) => ({ json: controllerConfigView(req, ctx.config, linstorLevel(ctx.log.level)) })));

  r.put('/v1/controller/config', route(reporter, { obj: CTRL, op: 'MOD', body: 'PUT /v1/controller/config' }, 200, async (_req, _res, b) => {
    const rc: ApiCallRc[] = [];
    // LINSTOR has a root and a "linstor" logger; this controller has one, so either sets it.
    const level = askedLevel(b.log, CTRL);
    if (level !== undefined) {
      ctx.log.level = level.toLowerCase();
      rc.push(rcEntry('MODIFIED', `Log level of the controller set to ${level}.`, { obj: CTRL, op: 'MOD' }));
      // --global: every satellite as well (each answers for itself; an offline one is a warning).
      if (b.log?.level_linstor_global !== undefined || b.log?.level_global !== undefined) {
        const satellites = [...ctx.state.nodes.values()].filter((n) => n.type === 'SATELLITE' || n.type === 'COMBINED');
        rc.push(...await Promise.all(satellites.map((n) => setSatelliteLogLevel(ctx, n, level))));
      }
    }
    if (!rc.length) rc.push(rcEntry('INFO_NOOP', 'No controller configuration was changed.', { obj: CTRL, op: 'MOD', details: 'Only the log level can be changed at run time.' }));
    return { rc };
  }));

  // LINSTOR answers the report inside {"reportText": ...}.
  r.get('/v1/space-report', route(reporter, { obj: CTRL }, 200, () => ({ json: { reportText: spaceReport(ctx, new Date()) } })));
}
