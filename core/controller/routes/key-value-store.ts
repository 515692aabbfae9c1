import type { Router } from 'express';
import { rcEntry } from '../../model/apicallrc.js';
import { ApiError, Errors } from '../../model/errors.js';
import { checkName, nameKey, printable } from '../../model/names.js';
import type { KeyValueStore, Props } from '../../model/types.js';
import { checkPropValue, MAX_KEY_LENGTH } from '../../props/keys.js';
import type { ControllerContext } from '../context.js';
import { route } from '../http/handler.js';
import { listParam, nameFilter, page } from '../http/query.js';
import type { ClusterState } from '../state/cluster-state.js';
import { kvsView } from '../views/kvs.js';
import { bodyOf } from './body.js';

const KVS = 'KVS' as const;

/**
 * A key-value store holds the user's own data, so its keys are not whitelisted like object
 * props; they must still be sane path-like strings.
 */
function checkKvsKey(k: unknown): string {
  if (typeof k !== 'string' || k.length === 0 || k.length > MAX_KEY_LENGTH || /[\u0000-\u001f\u007f]/.test(k) || k.startsWith('/') || k.endsWith('/') || k.includes('//')) {
    throw new ApiError('FAIL_INVLD_PROP', `The key '${printable(k)}' is invalid.`, {
      cause: `Keys are 1 to ${MAX_KEY_LENGTH} printable characters; '/' separates namespaces.`, correction: 'Use a key such as my-app/setting.', obj: KVS,
    });
  }
  return k;
}

function strList(v: unknown, field: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw new ApiError('FAIL_INVLD_PROP', `${field} must be a list of strings.`, { correction: `Send {"${field}": ["key"]}.`, obj: KVS });
  }
  return v as string[];
}

function getKvs(state: ClusterState, name: string): KeyValueStore {
  const k = state.keyValueStores.get(nameKey(name));
  if (!k) throw Errors.notFound('FAIL_NOT_FOUND_KVS', 'Key value store', name, { obj: KVS, objRefs: { KVS: name } });
  return k;
}

export function registerKeyValueStoreRoutes(r: Router, ctx: ControllerContext): void {
  const { state, reporter } = ctx;

  r.get('/v1/key-value-store', route(reporter, { obj: KVS }, 200, (req) => {
    const byName = nameFilter(listParam(req, 'instances'));
    return { json: page(req, state.keyValueStores.values(), (k) => byName(k.name), kvsView) };
  }));

  // golinstor requires exactly one element here: a one-element array, not an object.
  r.get('/v1/key-value-store/:instance', route(reporter, { obj: KVS }, 200, (req) => ({ json: [kvsView(getKvs(state, String(req.params.instance)))] })));

  r.put('/v1/key-value-store/:instance', route(reporter, { obj: KVS, op: 'MOD' }, 200, async (req) => {
    const b = bodyOf(req);
    const name = checkName('key-value-store', String(req.params.instance));
    const overrides = b.override_props ?? {};
    if (typeof overrides !== 'object' || Array.isArray(overrides)) {
      throw new ApiError('FAIL_INVLD_PROP', 'override_props must be an object of string values.', { correction: 'Send {"override_props": {"key": "value"}}.', obj: KVS });
    }
    const sets = Object.entries(overrides as Record<string, unknown>).map(([k, v]) => [checkKvsKey(k), checkPropValue(k, v)] as const);
    const deletes = strList(b.delete_props, 'delete_props');
    const namespaces = strList(b.delete_namespaces, 'delete_namespaces');
    const result = await state.mutate((tx) => {
      const old = state.keyValueStores.get(nameKey(name));
      const props: Props = { ...(old?.props ?? {}) };
      for (const [k, v] of sets) props[k] = v;
      for (const k of deletes) delete props[k];
      for (const ns of namespaces) {
        const prefix = ns.endsWith('/') ? ns : `${ns}/`;
        for (const k of Object.keys(props)) if (k.startsWith(prefix)) delete props[k];
      }
      tx.put(state.keyValueStores, nameKey(name), { name: old?.name ?? name, props });
      return { created: !old, display: old?.name ?? name };
    });
    const { created: isNew, display } = result;
    return { rc: [rcEntry(isNew ? 'CREATED' : 'MODIFIED', isNew ? `New key value store '${display}' created.` : `Key value store '${display}' modified.`, {
      obj: KVS, op: isNew ? 'CRT' : 'MOD', objRefs: { KVS: display },
    })] };
  }));

  r.delete('/v1/key-value-store/:instance', route(reporter, { obj: KVS, op: 'DEL' }, 200, async (req) => {
    const k = getKvs(state, String(req.params.instance));
    await state.mutate((tx) => tx.delete(state.keyValueStores, nameKey(k.name)));
    return { rc: [rcEntry('DELETED', `Key value store '${k.name}' deleted.`, { obj: KVS, op: 'DEL', objRefs: { KVS: k.name } })] };
  }));
}
