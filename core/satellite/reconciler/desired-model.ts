import type {
  DesiredNodeState, DesiredResource, DesiredSnapshot, DesiredStateUpdate, DesiredStoragePool,
} from '../../model/satellite-protocol.js';
import type { Props } from '../../model/types.js';

/** What a message changed: the resources to apply again, and the pools whose definition changed. */
export interface ModelChange {
  resources: Set<string>;
  pools: Set<string>;
}

/**
 * The node's desired state as the satellite holds it between messages: a full apply replaces
 * it, an update patches it. Layers still receive a DesiredNodeState, scoped to the resource
 * at hand (`scoped`), so none of them walks 5,000 resources to find one.
 */
export class DesiredModel {
  nodeName = '';
  props: Props = {};
  readonly pools = new Map<string, DesiredStoragePool>();
  readonly resources = new Map<string, DesiredResource>();
  /** Snapshot lists per resource; undefined: the controller manages no snapshots (leave all). */
  snapshots: Map<string, DesiredSnapshot[]> | undefined;
  /** Resources no longer desired at all, kept (flagged DELETE) until their removal ran: their layers. */
  private readonly departed = new Map<string, DesiredResource>();
  /** JSON of each resource as last received, to tell a real change from a repeat. */
  private readonly text = new Map<string, string>();
  private poolText = new Map<string, string>();

  /** Replaces everything; every resource old or new is to be applied (removals included). */
  replace(state: DesiredNodeState): ModelChange {
    const names = new Set([...this.resources.keys(), ...state.resources.map((r) => r.name), ...(this.snapshots?.keys() ?? [])]);
    const pools = this.setPools(state.storagePools);
    if (JSON.stringify(this.props) !== JSON.stringify(state.props)) for (const p of this.pools.keys()) pools.add(p);
    this.nodeName = state.nodeName;
    this.props = state.props;
    const incoming = new Set(state.resources.map((r) => r.name));
    for (const [name, r] of this.resources) if (!incoming.has(name)) this.depart(name, r);
    this.resources.clear();
    this.text.clear();
    for (const r of state.resources) {
      this.resources.set(r.name, r);
      this.text.set(r.name, JSON.stringify(r));
      this.departed.delete(r.name);
    }
    if (state.snapshots) {
      this.snapshots = new Map();
      for (const s of state.snapshots) {
        names.add(s.resource);
        const l = this.snapshots.get(s.resource);
        if (l) l.push(s); else this.snapshots.set(s.resource, [s]);
      }
    } else this.snapshots = undefined;
    return { resources: names, pools };
  }

  /**
   * Patches the model. Resources whose JSON is unchanged are not listed unless `unchangedToo`
   * says so (a resource that failed is retried whenever the controller names it).
   */
  update(u: DesiredStateUpdate, unchangedToo: (name: string) => boolean): ModelChange & { repeated: Set<string> } {
    const resources = new Set<string>();
    const repeated = new Set<string>();
    const pools = u.storagePools ? this.setPools(u.storagePools) : new Set<string>();
    for (const r of u.resources ?? []) {
      const text = JSON.stringify(r);
      if (this.text.get(r.name) === text && !unchangedToo(r.name)) { repeated.add(r.name); continue; }
      this.resources.set(r.name, r);
      this.text.set(r.name, text);
      this.departed.delete(r.name);
      resources.add(r.name);
    }
    for (const name of u.removed ?? []) {
      const r = this.resources.get(name);
      if (r) this.depart(name, r);
      this.resources.delete(name);
      this.text.delete(name);
      resources.add(name);
    }
    for (const { resource, snapshots } of u.snapshots ?? []) {
      this.snapshots ??= new Map();
      if (snapshots.length) this.snapshots.set(resource, snapshots); else this.snapshots.delete(resource);
      resources.add(resource);
    }
    // Resources on a pool whose definition changed are applied again (the provider is new).
    if (pools.size) for (const r of this.resources.values()) if (r.volumes.some((v) => pools.has(v.storagePool))) resources.add(r.name);
    for (const n of resources) repeated.delete(n);
    return { resources, pools, repeated };
  }

  /** Whether `name` is to exist on this node (desired and not flagged DELETE). */
  wanted(name: string): DesiredResource | undefined {
    const r = this.resources.get(name);
    return r && !r.flags.includes('DELETE') ? r : undefined;
  }

  /** Resources to tear down: flagged DELETE, or no longer desired at all. */
  toRemove(): string[] {
    return [...[...this.resources.values()].filter((r) => r.flags.includes('DELETE')).map((r) => r.name), ...this.departed.keys()];
  }

  /** The removal of a departed resource ran: forget its layers. */
  removed(name: string): void {
    this.departed.delete(name);
  }

  private depart(name: string, r: DesiredResource): void {
    this.departed.set(name, r.flags.includes('DELETE') ? r : { ...r, flags: [...r.flags, 'DELETE'] });
  }

  /** The state layers and snapshot code see while applying `name`: this resource only. */
  scoped(name: string): DesiredNodeState {
    const r = this.resources.get(name) ?? this.departed.get(name);
    return {
      nodeName: this.nodeName, props: this.props, storagePools: [...this.pools.values()],
      resources: r ? [r] : [],
      ...(this.snapshots ? { snapshots: this.snapshots.get(name) ?? [] } : {}),
    };
  }

  /** The whole state (the orphan sweep of a full apply). */
  full(): DesiredNodeState {
    return {
      nodeName: this.nodeName, props: this.props, storagePools: [...this.pools.values()],
      resources: [...this.resources.values()],
      ...(this.snapshots ? { snapshots: [...this.snapshots.values()].flat() } : {}),
    };
  }

  /** Pools whose definition is new or different (their providers are made again). */
  private setPools(list: DesiredStoragePool[]): Set<string> {
    const changed = new Set<string>();
    const next = new Map<string, string>();
    for (const p of list) {
      const text = JSON.stringify(p);
      next.set(p.name, text);
      if (this.poolText.get(p.name) !== text) changed.add(p.name);
    }
    for (const name of this.poolText.keys()) if (!next.has(name)) changed.add(name);
    this.pools.clear();
    for (const p of list) this.pools.set(p.name, p);
    this.poolText = next;
    return changed;
  }
}
