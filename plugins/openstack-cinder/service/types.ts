/**
 * Volume types and their extra specs. The default type is Cinder's `__DEFAULT__` (used when a
 * volume names no type); it has a fixed id so two services starting at once cannot make two.
 */
import { randomUUID } from 'node:crypto';
import type { CinderConfig } from '../config.js';
import { badRequest, conflict, notFound } from '../http/faults.js';
import { now, type VolumeTypeRecord } from '../state/records.js';
import type { CinderStore } from '../state/store.js';

export const DEFAULT_TYPE_ID = 'c1d3f0a1-0000-4000-8000-00000000d3f7';
export const DEFAULT_TYPE_NAME = '__DEFAULT__';

export class VolumeTypes {
  constructor(private readonly store: CinderStore, private readonly cfg: CinderConfig) {}

  async list(): Promise<VolumeTypeRecord[]> {
    const all = await this.store.types.list();
    if (!all.some((t) => t.id === DEFAULT_TYPE_ID)) all.unshift(await this.ensureDefault());
    return all.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async ensureDefault(): Promise<VolumeTypeRecord> {
    const cur = await this.store.types.get(DEFAULT_TYPE_ID);
    if (cur) return cur;
    return this.store.types.put({
      id: DEFAULT_TYPE_ID, name: DEFAULT_TYPE_NAME, description: 'Default Volume Type', isPublic: true,
      extraSpecs: {}, createdAt: '1970-01-01T00:00:00.000000',
    });
  }

  /** By id or by name; undefined/null gives the default type. */
  async resolve(idOrName: string | null | undefined): Promise<VolumeTypeRecord> {
    if (idOrName === undefined || idOrName === null || idOrName === '') return this.ensureDefault();
    const all = await this.list();
    const t = all.find((x) => x.id === idOrName) ?? all.find((x) => x.name === idOrName);
    if (!t) throw notFound(`Volume type ${idOrName} could not be found.`);
    return t;
  }

  async create(name: unknown, description: unknown, isPublic: unknown, extraSpecs: unknown): Promise<VolumeTypeRecord> {
    if (typeof name !== 'string' || !name.trim() || name.length > 255) throw badRequest('Volume type name can not be empty and must be at most 255 characters.');
    const all = await this.list();
    if (all.some((t) => t.name === name)) throw conflict(`Volume Type ${name} already exists.`);
    const rec: VolumeTypeRecord = {
      id: randomUUID(), name, description: typeof description === 'string' ? description : null,
      isPublic: isPublic === undefined ? true : String(isPublic).toLowerCase() === 'true',
      extraSpecs: checkSpecs(extraSpecs ?? {}), createdAt: now(),
    };
    return this.store.types.put(rec);
  }

  async update(id: string, change: (t: VolumeTypeRecord) => VolumeTypeRecord): Promise<VolumeTypeRecord> {
    await this.resolve(id);
    const r = await this.store.types.update(id, change);
    if (!r) throw notFound(`Volume type ${id} could not be found.`);
    return r;
  }

  async delete(id: string, inUse: boolean): Promise<void> {
    const t = await this.resolve(id);
    if (t.id === DEFAULT_TYPE_ID) throw badRequest('Default volume type can not be deleted.');
    if (inUse) throw badRequest(`Target volume type is still in use. Volume Type ${t.id} deletion is not allowed with volumes present with the type.`);
    await this.store.types.delete(t.id);
  }

  get config(): CinderConfig { return this.cfg; }
}

export function checkSpecs(specs: unknown): Record<string, string> {
  if (typeof specs !== 'object' || specs === null || Array.isArray(specs)) throw badRequest('extra_specs must be an object of strings.');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(specs as Record<string, unknown>)) {
    if (!k || k.length > 255) throw badRequest('Extra spec keys must be 1 to 255 characters.');
    if (v === null || typeof v === 'object') throw badRequest(`Value for extra spec ${k} must be a string.`);
    out[k] = String(v);
  }
  return out;
}
