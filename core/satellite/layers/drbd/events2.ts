/**
 * Parser for `drbdsetup events2 [--now] [--statistics] [--timestamps]`: one event per line,
 * `<what> <object> key:value ...`, what = exists | create | change | destroy | call | response,
 * object = resource | connection | device | peer-device | path | helper; `exists -` ends the
 * initial dump. The result is the current state per resource, as LINSTOR's DrbdEventsMonitor keeps it.
 */
export interface DrbdPeerDeviceState {
  volume: number;
  /** Established, SyncSource, SyncTarget, PausedSyncS, Off, ... */
  replication: string;
  peerDisk: string;
  peerClient?: boolean;
  /** Resync progress in percent, printed only while a resync runs. */
  donePercent?: number;
  outOfSyncKib?: number;
}

export interface DrbdConnectionState {
  peerNodeId: number;
  /** The peer's name in the .res file (LINSTOR writes node names). */
  connName: string;
  /** Connected, Connecting, StandAlone, ... */
  connection: string;
  peerRole: string;
  peerDevices: Record<number, DrbdPeerDeviceState>;
  /** Established paths (local → peer), when path events are present. */
  paths: Array<{ local: string; peer: string; established: boolean }>;
}

export interface DrbdDeviceState {
  volume: number;
  minor: number;
  /** UpToDate, Inconsistent, Diskless, Outdated, Attaching, Failed, ... */
  disk: string;
  client?: boolean;
  quorum?: boolean;
  sizeKib?: number;
}

export interface DrbdResourceState {
  name: string;
  role: string;
  suspended?: string;
  mayPromote?: boolean;
  promotionScore?: number;
  devices: Record<number, DrbdDeviceState>;
  connections: Record<number, DrbdConnectionState>;
}

export interface Events2Line {
  what: string;
  object: string;
  fields: Record<string, string>;
}

const TIMESTAMP = /^\d{4}-\d\d-\d\dT\S+\s+/;

/** Splits one line into its event kind, object and fields; values keep any further colons (ipv4:1.2.3.4:7000). */
export function parseEvents2Line(line: string): Events2Line | undefined {
  const text = line.replace(TIMESTAMP, '').trim();
  if (!text) return undefined;
  const [what, object, ...rest] = text.split(/\s+/);
  if (!what || !object) return undefined;
  const fields: Record<string, string> = {};
  for (const tok of rest) {
    const i = tok.indexOf(':');
    if (i > 0) fields[tok.slice(0, i)] = tok.slice(i + 1);
  }
  return { what, object, fields };
}

const yes = (v: string | undefined): boolean | undefined => (v === undefined ? undefined : v === 'yes');
const num = (v: string | undefined): number | undefined => (v === undefined || v === '' || Number.isNaN(Number(v)) ? undefined : Number(v));

/** Keeps the state of every resource up to date as events arrive (works for one `--now` dump or a live stream). */
export class Events2State {
  readonly resources = new Map<string, DrbdResourceState>();
  /** True once `exists -` was seen: the initial state is complete. */
  initialStateDone = false;

  apply(line: string): void {
    const ev = parseEvents2Line(line);
    if (!ev) return;
    if (ev.what === 'exists' && ev.object === '-') {
      this.initialStateDone = true;
      return;
    }
    if (ev.what === 'call' || ev.what === 'response') return; // helper invocations carry no state
    const f = ev.fields;
    const name = f['name'];
    if (!name) return;
    if (ev.object === 'resource') {
      if (ev.what === 'destroy') {
        this.resources.delete(name);
        return;
      }
      const r = this.resource(name);
      if (f['role']) r.role = f['role'];
      if (f['suspended']) r.suspended = f['suspended'];
      if (f['may_promote']) r.mayPromote = yes(f['may_promote']);
      if (f['promotion_score']) r.promotionScore = num(f['promotion_score']);
      return;
    }
    const r = this.resources.get(name) ?? this.resource(name);
    if (ev.object === 'device') {
      const vol = num(f['volume']) ?? 0;
      if (ev.what === 'destroy') {
        delete r.devices[vol];
        return;
      }
      const d = (r.devices[vol] ??= { volume: vol, minor: num(f['minor']) ?? -1, disk: 'DUnknown' });
      if (f['minor']) d.minor = num(f['minor'])!;
      if (f['disk']) d.disk = f['disk'];
      if (f['client']) d.client = yes(f['client']);
      if (f['quorum']) d.quorum = yes(f['quorum']);
      if (f['size']) d.sizeKib = num(f['size']);
      return;
    }
    const peerId = num(f['peer-node-id']);
    if (peerId === undefined) return;
    if (ev.object === 'connection') {
      if (ev.what === 'destroy') {
        delete r.connections[peerId];
        return;
      }
      const c = this.connection(r, peerId, f['conn-name']);
      if (f['connection']) c.connection = f['connection'];
      if (f['role']) c.peerRole = f['role'];
      return;
    }
    const c = this.connection(r, peerId, f['conn-name']);
    if (ev.object === 'peer-device') {
      const vol = num(f['volume']) ?? 0;
      if (ev.what === 'destroy') {
        delete c.peerDevices[vol];
        return;
      }
      const pd = (c.peerDevices[vol] ??= { volume: vol, replication: 'Off', peerDisk: 'DUnknown' });
      if (f['replication']) pd.replication = f['replication'];
      if (f['peer-disk']) pd.peerDisk = f['peer-disk'];
      if (f['peer-client']) pd.peerClient = yes(f['peer-client']);
      if (f['out-of-sync']) pd.outOfSyncKib = num(f['out-of-sync']);
      // done: is only printed during a resync; drop a stale value once it is over.
      if (f['done'] !== undefined) pd.donePercent = num(f['done']);
      else if (f['replication'] && !/^(Sync|PausedSync|Verify)/.test(f['replication'])) delete pd.donePercent;
      return;
    }
    if (ev.object === 'path') {
      const local = f['local'] ?? '';
      const peer = f['peer'] ?? '';
      c.paths = c.paths.filter((p) => !(p.local === local && p.peer === peer));
      if (ev.what !== 'destroy') c.paths.push({ local, peer, established: f['established'] === 'yes' });
    }
  }

  applyAll(text: string): this {
    for (const line of text.split('\n')) this.apply(line);
    return this;
  }

  private resource(name: string): DrbdResourceState {
    let r = this.resources.get(name);
    if (!r) {
      r = { name, role: 'Unknown', devices: {}, connections: {} };
      this.resources.set(name, r);
    }
    return r;
  }

  private connection(r: DrbdResourceState, peerId: number, connName?: string): DrbdConnectionState {
    const c = (r.connections[peerId] ??= { peerNodeId: peerId, connName: connName ?? String(peerId), connection: 'StandAlone', peerRole: 'Unknown', peerDevices: {}, paths: [] });
    if (connName) c.connName = connName;
    return c;
  }
}

/** Convenience: the state after one `drbdsetup events2 --now --statistics` run. */
export function parseEvents2(text: string): Map<string, DrbdResourceState> {
  return new Events2State().applyAll(text).resources;
}
