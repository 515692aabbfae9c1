import { join } from 'node:path';
import { SqliteStore } from '../../core/store/sqlite.js';
import type { RowChange } from '../../core/store/store.js';
import type { TestController } from './controller.js';

export interface Reply<T = unknown> { status: number; body: T; text: string }

/** One REST call: JSON in, parsed JSON out (plain JSON.parse: int64 precision is not needed here). */
export async function call<T = any>(ctl: TestController, method: string, path: string, body?: unknown): Promise<Reply<T>> {
  const res = await fetch(`${ctl.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, body: (text ? JSON.parse(text) : undefined) as T };
}

/**
 * Writes rows straight into a stopped controller's SQLite store, then starts it again: for
 * objects whose REST routes belong to other families (resource definitions, resources,
 * error reports), so these tests do not depend on them. The row shapes are the store's own.
 */
export async function seedStore(ctl: TestController, changes: RowChange[]): Promise<void> {
  await ctl.kill();
  const store = new SqliteStore(join(ctl.dir, 'linstor.db'));
  store.commitSync(changes);
  await store.close();
  await ctl.restart();
}

export function suffix(): string {
  return Math.random().toString(36).slice(2, 8);
}

/** A satellite node body; the address need not answer (the node just stays OFFLINE). */
export function nodeBody(name: string, address = '127.0.0.254'): Record<string, unknown> {
  return { name, type: 'SATELLITE', net_interfaces: [{ name: 'default', address, satellite_port: 3366 }] };
}
