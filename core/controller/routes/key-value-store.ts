import type { Router } from 'express';
import { rcEntry } from '../../model/apicallrc.js';
import { Errors } from '../../model/errors.js';
import { checkName, nameKey } from '../../model/names.js';
import type { KeyValueStore, Props } from '../../model/types.js';
import type { ControllerContext } from '../context.js';
import { route } from '../http/handler.js';
import { listParam, nameFilter, page } from '../http/query.js';
import type { ClusterState } from '../state/cluster-state.js';
import { kvsView } from '../views/kvs.js';

const KVS = 'KVS' as const;

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

  r.put('/v1/key-value-store/:instance', route(reporter, { obj: KVS, op: 'MOD', body: 'PUT /v1/key-value-store/{instance}' }, 200, async (req, _res, b) => {
    const name = checkName('key-value-store', String(req.params.instance));
    const sets = Object.entries(b.override_props ?? {});
    const deletes = b.delete_props ?? [];
    const namespaces = b.delete_namespaces ?? [];
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
