/**
 * Hollow satellites (benchmark only, as Kubernetes' kubemark hollow nodes): they speak the real
 * controller–satellite protocol (core/model/satellite-protocol.ts) — hello, apply -> report,
 * update -> partial report (versions checked, resync asked), ping/pong — and acknowledge every
 * desired state at once without touching a disk. Many run in one process, each on its own
 * 127.0.x.y address.
 *
 * Run standalone: node dist/scripts/bench/hollow-satellite.js COUNT [FIRST_ADDRESS=127.0.1.1]
 * (prints one line per satellite: "<node> <address> <port>").
 */
import { createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { helloIdentity, newNodeKey } from '../../core/model/pairing.js';
import {
  FEATURE_INCREMENTAL, PROTOCOL_VERSION, type ControllerMessage, type DesiredNodeState, type DesiredResource,
  type DesiredStoragePool, type NodeReport, type ReportedResource, type ReportedStoragePool, type SatelliteMessage,
} from '../../core/model/satellite-protocol.js';

const CAPACITY_KIB = 1024 ** 3; // 1 TiB per pool

export interface HollowSatellite {
  nodeName: string;
  address: string;
  port: number;
  /** Applies acknowledged so far. */
  applies: number;
  /** Drops every controller connection (the controller reconnects). */
  dropConnections(): void;
  close(): Promise<void>;
}

function poolReport(p: DesiredStoragePool): ReportedStoragePool {
  return {
    name: p.name, providerKind: p.providerKind, supportsSnapshots: false,
    freeCapacityKib: p.providerKind === 'DISKLESS' ? 0 : CAPACITY_KIB, totalCapacityKib: p.providerKind === 'DISKLESS' ? 0 : CAPACITY_KIB,
  };
}

function resourceReport(r: DesiredResource): ReportedResource {
  return {
    name: r.name, ready: true, inUse: false,
    volumes: r.volumes.map((v) => ({
      volumeNumber: v.volumeNumber, diskState: r.flags.includes('DISKLESS') ? 'Diskless' : 'UpToDate',
      devicePath: v.minorNumber !== undefined ? `/dev/drbd${v.minorNumber}` : `/dev/hollow/${r.name}_${v.volumeNumber}`,
      allocatedSizeKib: v.sizeKib, usableSizeKib: v.sizeKib,
    })),
  };
}

function reportFor(nodeName: string, state: DesiredNodeState): NodeReport {
  return {
    nodeName,
    storagePools: state.storagePools.map(poolReport),
    resources: state.resources.filter((r) => !r.flags.includes('DELETE')).map(resourceReport),
  };
}

export async function startHollowSatellite(nodeName: string, address: string, port = 0): Promise<HollowSatellite> {
  const sockets = new Set<Socket>();
  const send = (s: Socket, m: SatelliteMessage) => { if (!s.destroyed) s.write(`${JSON.stringify(m)}\n`); };
  const sat: HollowSatellite = {
    nodeName, address, port, applies: 0,
    dropConnections() { for (const s of sockets) s.destroy(); sockets.clear(); },
    close: () => new Promise<void>((r) => { sat.dropConnections(); server.close(() => r()); }),
  };
  // Pairs like a real satellite: the key is handed over once, then proven.
  const nodeKey = newNodeKey();
  let paired = false;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.setEncoding('utf8');
    let buf = '';
    // The version this connection's state is at; updates must build on it.
    let version: number | undefined;
    let resyncAsked = false;
    socket.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (!line.trim()) continue;
        const msg = JSON.parse(line) as ControllerMessage;
        if (msg.type === 'hello') {
          send(socket, {
            type: 'hello', version: PROTOCOL_VERSION, nodeName, uname: nodeName,
            providers: ['DISKLESS', 'FILE', 'FILE_THIN', 'LVM', 'LVM_THIN'], layers: ['DRBD', 'STORAGE'],
            unsupportedProviders: {}, unsupportedLayers: {}, features: [FEATURE_INCREMENTAL],
            ...helloIdentity(nodeKey, !paired, String(msg.clusterId), String(msg.nonce)),
          });
          paired = true;
        } else if (msg.type === 'apply') {
          sat.applies++;
          version = msg.seq;
          resyncAsked = false;
          send(socket, { type: 'report', seq: msg.seq, report: reportFor(nodeName, msg.state) });
        } else if (msg.type === 'update') {
          if (msg.update.base !== version) {
            if (!resyncAsked) send(socket, { type: 'resync', seq: version ?? 0, reason: `update builds on ${msg.update.base}, have ${version}` });
            resyncAsked = true;
            continue;
          }
          sat.applies++;
          version = msg.seq;
          const resources = (msg.update.resources ?? []).filter((r) => !r.flags.includes('DELETE'));
          const gone = [...(msg.update.removed ?? []), ...(msg.update.resources ?? []).filter((r) => r.flags.includes('DELETE')).map((r) => r.name)];
          const applied = Object.fromEntries([...(msg.update.resources ?? []).map((r) => r.name), ...(msg.update.removed ?? [])].map((n) => [n, msg.seq]));
          send(socket, {
            type: 'report', seq: msg.seq, partial: true, applied, ...(gone.length ? { removed: gone } : {}),
            report: { nodeName, storagePools: (msg.update.storagePools ?? []).map(poolReport), resources: resources.map(resourceReport) },
          });
        } else if (msg.type === 'ping') {
          send(socket, { type: 'pong' });
        } else if (msg.type === 'physical-storage-list' || msg.type === 'create-device-pool') {
          send(socket, { type: 'response', reqId: msg.reqId, ok: true, result: [] });
        }
      }
    });
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(port, address, () => resolve()); });
  sat.port = (server.address() as { port: number }).port;
  return sat;
}

/** `count` hollow satellites on consecutive addresses from `firstAddress` (e.g. 127.0.1.1). */
export async function startHollowSatellites(count: number, prefix: string, firstAddress = '127.0.1.1'): Promise<HollowSatellite[]> {
  const parts = firstAddress.split('.').map(Number);
  const base = (parts[2]! << 8) + parts[3]!;
  const out: HollowSatellite[] = [];
  for (let i = 0; i < count; i++) {
    const n = base + i;
    out.push(await startHollowSatellite(`${prefix}${i + 1}`, `${parts[0]}.${parts[1]}.${n >> 8}.${n & 255}`));
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const count = Number(process.argv[2] ?? 10);
  const sats = await startHollowSatellites(count, 'hollow-', process.argv[3] ?? '127.0.1.1');
  for (const s of sats) process.stdout.write(`${s.nodeName} ${s.address} ${s.port}\n`);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => { void Promise.all(sats.map((s) => s.close())).then(() => process.exit(0)); });
}
