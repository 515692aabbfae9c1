/**
 * `/v1/resource-definitions/{rd}/drbd-proxy`: enable/disable on a resource connection, and
 * PUT for the proxy's options and compression (`linstor drbd-proxy ...`). The PUT body is
 * checked here, not against the spec's schema: its compression enum lacks `zstd`, which
 * linstor-client sends (`drbd-proxy compression zstd`).
 */
import type { Request, Router } from 'express';
import { rcEntry, type ApiCallRc } from '../../model/apicallrc.js';
import {
  checkCompressionType, checkOptionValue, COMPRESSION_OPTIONS, isProxyKey, KEY_PROXY_COMPRESSION_TYPE, PROXY_COMPRESSION_NS, PROXY_NS,
} from '../../model/drbd-proxy-options.js';
import { ApiError } from '../../model/errors.js';
import { nameKey, printable } from '../../model/names.js';
import { applyPropsModify } from '../../props/modify.js';
import type { ControllerContext } from '../context.js';
import { route } from '../http/handler.js';
import { getResourceDefinition, resourcesOf } from '../lookup.js';
import { applyAndReport } from '../services/apply.js';
import { describe, disableProxyInTx, enableProxyInTx } from './service.js';

type Obj = Record<string, unknown>;
const RSC_DFN = { obj: 'RSC_DFN' as const, op: 'MOD' as const };

function body(req: Request): Obj {
  const b = req.body as unknown;
  if (b === undefined || b === null || (typeof b === 'object' && !Array.isArray(b))) return (b ?? {}) as Obj;
  throw new ApiError('API_CALL_PARSE_ERROR', 'The request body is not a JSON object.', { correction: 'Send a JSON object.' });
}

/** A props map of strings (numbers and booleans taken as their text, as Jackson does). */
function stringMap(v: unknown, field: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new ApiError('API_CALL_PARSE_ERROR', `'${field}' is not an object of properties.`, { correction: `Give ${field} as {"key": "value"}.` });
  return Object.fromEntries(Object.entries(v as Obj).map(([k, x]) => {
    if (typeof x !== 'string' && typeof x !== 'number' && typeof x !== 'boolean') throw new ApiError('API_CALL_PARSE_ERROR', `The value of '${printable(k)}' in '${field}' is not a string.`, { correction: 'Give property values as strings.' });
    return [k, String(x)];
  }));
}

function stringList(v: unknown, field: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ApiError('API_CALL_PARSE_ERROR', `'${field}' is not a list.`, { correction: `Give ${field} as ["key", ...].` });
  return v.map(String);
}

/** Only the proxy's own keys may be set through this call. */
function checkProxyKeys(keys: string[]): void {
  for (const k of keys) {
    if (!isProxyKey(k) && !k.startsWith('DrbdProxy/')) {
      throw new ApiError('FAIL_INVLD_PROP', `'${printable(k)}' is not a DRBD Proxy property.`, { ...RSC_DFN, correction: `Set ${PROXY_NS}*, ${PROXY_COMPRESSION_NS}* or ${KEY_PROXY_COMPRESSION_TYPE} here; other properties with resource-definition set-property.` });
    }
  }
}

export function registerDrbdProxyRoutes(r: Router, ctx: ControllerContext): void {
  const { state, reporter } = ctx;
  const base = '/v1/resource-definitions/:rd/drbd-proxy';
  const applyBoth = async (rd: string, a: string, b: string): Promise<ApiCallRc[]> =>
    (await applyAndReport(ctx, [{ rdName: rd, nodeName: a }, { rdName: rd, nodeName: b }], 'modify')).filter((e) => e.ret_code < 0n);

  r.post(`${base}/enable/:a/:b`, route(reporter, { obj: 'RSC_CONN', op: 'MOD' }, 200, async (req) => {
    const b = body(req);
    const port = b.port ?? b.port_src ?? b.port_target;
    const { row, changed } = await state.mutate((tx) => enableProxyInTx(ctx, tx, String(req.params.rd), String(req.params.a), String(req.params.b), port));
    const refs = { RscDfn: row.resource, SourceNode: row.nodeA, TargetNode: row.nodeB };
    if (!changed) return { rc: [rcEntry('INFO_NOOP', `DRBD Proxy is already enabled on the ${describe(row.resource, row.nodeA, row.nodeB)} (port ${row.port}).`, { obj: 'RSC_CONN', op: 'MOD', objRefs: refs })] };
    return { rc: [rcEntry('MODIFIED', `DRBD Proxy enabled on the ${describe(row.resource, row.nodeA, row.nodeB)}, port ${row.port}.`, { obj: 'RSC_CONN', op: 'MOD', objRefs: refs }), ...await applyBoth(row.resource, row.nodeA, row.nodeB)] };
  }));

  r.post(`${base}/disable/:a/:b`, route(reporter, { obj: 'RSC_CONN', op: 'MOD' }, 200, async (req) => {
    const row = await state.mutate((tx) => disableProxyInTx(ctx, tx, String(req.params.rd), String(req.params.a), String(req.params.b)));
    const refs = { RscDfn: row.resource, SourceNode: row.nodeA, TargetNode: row.nodeB };
    return { rc: [rcEntry('MODIFIED', `DRBD Proxy disabled on the ${describe(row.resource, row.nodeA, row.nodeB)}.`, { obj: 'RSC_CONN', op: 'MOD', objRefs: refs }), ...await applyBoth(row.resource, row.nodeA, row.nodeB)] };
  }));

  r.put(base, route(reporter, RSC_DFN, 200, async (req) => {
    const b = body(req);
    const override = stringMap(b.override_props, 'override_props');
    const deletes = stringList(b.delete_props, 'delete_props');
    checkProxyKeys([...Object.keys(override), ...deletes]);
    const type = b.compression_type === undefined || b.compression_type === null ? undefined : checkCompressionType(b.compression_type);
    const compression = stringMap(b.compression_props, 'compression_props');
    if (type === undefined && Object.keys(compression).length) {
      throw new ApiError('FAIL_INVLD_PROP', 'compression_props need a compression_type.', { ...RSC_DFN, correction: 'Give the compression type the options are for.' });
    }
    const rdName = await state.mutate((tx) => {
      const rd = getResourceDefinition(state, String(req.params.rd));
      let props = applyPropsModify(rd.props, { override_props: override, delete_props: deletes }).props;
      if (type !== undefined) {
        // A compression command replaces the previous compression configuration whole.
        props = Object.fromEntries(Object.entries(props).filter(([k]) => !k.startsWith(PROXY_COMPRESSION_NS)));
        props[KEY_PROXY_COMPRESSION_TYPE] = type;
        for (const [k, v] of Object.entries(compression)) {
          const name = k.startsWith(PROXY_COMPRESSION_NS) ? k.slice(PROXY_COMPRESSION_NS.length) : k;
          const o = COMPRESSION_OPTIONS[type].find((x) => x.name === name);
          if (!o) throw new ApiError('FAIL_INVLD_PROP', `'${printable(name)}' is not an option of the ${type} compression.`, { ...RSC_DFN, correction: COMPRESSION_OPTIONS[type].length ? `Use ${COMPRESSION_OPTIONS[type].map((x) => x.name).join(', ')}.` : `${type} takes no options.` });
          props[`${PROXY_COMPRESSION_NS}${name}`] = checkOptionValue(`${PROXY_COMPRESSION_NS}${name}`, o, v);
        }
      }
      tx.put(state.resourceDefinitions, nameKey(rd.name), { ...rd, props });
      return rd.name;
    });
    const rc: ApiCallRc[] = [rcEntry('MODIFIED', `DRBD Proxy options of resource definition '${rdName}' modified.`, { ...RSC_DFN, objRefs: { RscDfn: rdName } })];
    rc.push(...(await applyAndReport(ctx, resourcesOf(state, rdName).map((x) => ({ rdName, nodeName: x.nodeName })), 'modify')).filter((e) => e.ret_code < 0n));
    return { rc };
  }));
}
