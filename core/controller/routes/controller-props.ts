import type { Router } from 'express';
import { rcEntry, type ApiCallRc } from '../../model/apicallrc.js';
import { printable } from '../../model/names.js';
import { applyPropsModify } from '../../props/modify.js';
import type { ControllerContext } from '../context.js';
import { route } from '../http/handler.js';
import { exportDatabase } from '../services/db-export.js';
import { exportDocument, writeExport } from '../../store/export.js';
import { SqliteStore } from '../../store/sqlite.js';
import { CONTROLLER_VERSION } from '../errors/reporter.js';
import { PROPS_INFO, PROPS_INFO_ALIASES, propsInfo } from '../services/props-info.js';
import { drbdProxyPropsInfo } from '../drbd-proxy/props-info.js';

const CTRL = 'CTRL_CONF' as const;

export function registerControllerRoutes(r: Router, ctx: ControllerContext): void {
  const { state, reporter } = ctx;

  // Cluster/LocalID: this cluster's id, shown as LINSTOR shows it (what `remote create linstor --cluster-id` names).
  r.get('/v1/controller/properties', route(reporter, { obj: CTRL }, 200, () => {
    const id = state.secrets.get('cluster/id');
    return { json: { ...state.ctrlProps, ...(typeof id === 'string' ? { 'Cluster/LocalID': id } : {}) } };
  }));
  r.get('/v1/controller/properties/info', route(reporter, { obj: CTRL }, 200, () => ({ json: propsInfo('CONTROLLER') })));
  r.get('/v1/controller/properties/info/all', route(reporter, { obj: CTRL }, 200, () => ({
    json: { ...PROPS_INFO, ...Object.fromEntries(Object.entries(PROPS_INFO_ALIASES).map(([k, v]) => [k, PROPS_INFO[v]])) },
  })));

  r.post('/v1/controller/properties', route(reporter, { obj: CTRL, op: 'CRT', body: 'POST /v1/controller/properties' }, 201, async (_req, _res, b) => {
    const change = await state.mutate((tx) => {
      const modified = applyPropsModify(state.ctrlProps, b);
      tx.put(state.controllerProps, 'props', modified.props);
      return modified;
    });
    const rc: ApiCallRc[] = [];
    for (const [k, v] of Object.entries(b.override_props ?? {})) {
      rc.push(rcEntry('CREATED', `Successfully set property '${k}' to value '${v}'`, { obj: CTRL, op: 'CRT' }));
    }
    for (const k of b.delete_props ?? []) {
      if (change.unsetDeletes.includes(k)) rc.push(rcEntry('WARN_DEL_UNSET_PROP', `Could not delete property '${k}' as it did not exist.`, { obj: CTRL, op: 'DEL' }));
      else rc.push(rcEntry('DELETED', `Successfully deleted property '${k}'`, { obj: CTRL, op: 'DEL' }));
    }
    for (const ns of b.delete_namespaces ?? []) rc.push(rcEntry('DELETED', `Successfully deleted namespace '${ns}'`, { obj: CTRL, op: 'DEL' }));
    if (!rc.length) rc.push(rcEntry('INFO_NOOP', 'No controller property was changed.', { obj: CTRL, op: 'MOD' }));
    return { rc };
  }));

  // Keys contain '/', so the key is the rest of the path (Express 5 named wildcard).
  r.delete('/v1/controller/properties/*key', route(reporter, { obj: CTRL, op: 'DEL' }, 200, async (req) => {
    const parts = (req.params as Record<string, unknown>).key;
    const key = Array.isArray(parts) ? parts.join('/') : String(parts);
    const deleted = await state.mutate((tx) => {
      const props = state.ctrlProps;
      if (!(key in props)) return false;
      const next = { ...props };
      delete next[key];
      tx.put(state.controllerProps, 'props', next);
      return true;
    });
    if (!deleted) {
      return { rc: [rcEntry('WARN_DEL_UNSET_PROP', `Could not delete property '${printable(key)}' as it did not exist.`, { obj: CTRL, op: 'DEL' })] };
    }
    return { rc: [rcEntry('DELETED', `Successfully deleted property '${key}'`, { obj: CTRL, op: 'DEL' })] };
  }));


  // export-db writes the JSON export any backend can import; the older backup-db copies a SQLite file.
  const exportDb = (sqliteCopy: boolean) => route(reporter, { obj: CTRL, op: 'CRT', body: 'POST /v1/controller/database/export', bodyOptional: true }, 201, async (_req, _res, b) => {
    const store = ctx.store;
    const path = await exportDatabase(b.backup_name, ctx.config.db.backupDirectory, async (tmp) => {
      if (sqliteCopy && store instanceof SqliteStore) await store.exportTo(tmp);
      else writeExport(tmp, await exportDocument(store, `linstor-controller ${CONTROLLER_VERSION}`));
    });
    return { rc: [rcEntry('CREATED', `Database exported to '${path}'.`, { obj: CTRL, op: 'CRT', details: `Store kind: ${ctx.store.kind}` })] };
  });
  r.post('/v1/controller/database/export', exportDb(false));
  r.post('/v1/controller/backup/db', exportDb(true));

  // Counters (the other families count in their own files).
  r.get('/v1/stats/nodes', route(reporter, { obj: 'NODE' }, 200, () => ({ json: { count: state.nodes.size } })));
  r.get('/v1/stats/resource-definitions', route(reporter, { obj: 'RSC_DFN' }, 200, () => ({ json: { count: state.resourceDefinitions.size } })));
  r.get('/v1/stats/resources', route(reporter, { obj: 'RSC' }, 200, () => ({ json: { count: state.resources.size } })));

  // properties/info of the resource-definition families: registered here, before the
  // `/:resource/...` routes of those files, so the fixed segment wins.
  const info = (family: string) => route(reporter, { obj: CTRL }, 200, () => ({ json: propsInfo(family) }));
  r.get('/v1/resource-definitions/properties/info', info('RESOURCE_DEFINITION'));
  r.get('/v1/resource-definitions/:resource/volume-definitions/properties/info', info('VOLUME_DEFINITION'));
  r.get('/v1/resource-definitions/:resource/resources/properties/info', info('RESOURCE'));
  r.get('/v1/resource-definitions/:resource/resources/:node/volumes/properties/info', info('VOLUME'));
  r.get('/v1/resource-definitions/:resource/resource-connections/properties/info', info('RSC_CONN'));
  r.get('/v1/resource-definitions/:resource/drbd-proxy/properties/info', route(reporter, { obj: CTRL }, 200, () => ({ json: drbdProxyPropsInfo() })));
}
