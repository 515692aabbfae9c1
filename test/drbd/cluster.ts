/**
 * Test helper: a DRBD resource spread over a few nodes, rendered as each node's DesiredResource
 * (what the controller would send that node), and a way to run drbdadm "as" a node.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DesiredResource } from '../../core/model/satellite-protocol.js';
import type { Props } from '../../core/model/types.js';
import { LocalRunner } from '../../core/exec/index.js';
import { buildResFile } from '../../core/satellite/layers/drbd/res-file.js';

export interface TestNode {
  name: string;
  nodeId: number;
  address: string;
  diskless?: boolean;
  tieBreaker?: boolean;
  netInterfaces?: Record<string, string>;
  props?: Props;
}

export interface TestResource {
  name: string;
  port: number;
  secret?: string;
  nodes: TestNode[];
  volumes: Array<{ volumeNumber: number; minor: number; sizeKib: number; props?: Props }>;
  props?: Props;
  /** Connection props keyed "a|b" (sorted node names). */
  connections?: Record<string, Props>;
  peerSlots?: number;
}

export function connKey(a: string, b: string): string {
  return [a, b].sort().join('|');
}

export function viewOf(r: TestResource, nodeName: string): DesiredResource {
  const me = r.nodes.find((n) => n.name === nodeName)!;
  const flags = me.tieBreaker ? ['DRBD_DISKLESS', 'TIE_BREAKER'] : me.diskless ? ['DRBD_DISKLESS'] : [];
  return {
    name: r.name,
    layerStack: ['DRBD', 'STORAGE'],
    flags,
    props: { ...(r.props ?? {}), ...(me.props ?? {}) },
    volumes: r.volumes.map((v) => ({ volumeNumber: v.volumeNumber, sizeKib: v.sizeKib, storagePool: 'pool', props: v.props ?? {}, minorNumber: v.minor })),
    drbd: {
      nodeId: me.nodeId, port: r.port, secret: r.secret, peerSlots: r.peerSlots ?? 7, address: me.address, netInterfaces: me.netInterfaces,
      peers: r.nodes.filter((n) => n !== me).map((n) => ({
        nodeName: n.name, nodeId: n.nodeId, address: n.address, port: r.port, diskless: !!(n.diskless || n.tieBreaker),
        connectionProps: r.connections?.[connKey(me.name, n.name)] ?? {}, netInterfaces: n.netInterfaces,
        flags: n.tieBreaker ? ['DRBD_DISKLESS', 'TIE_BREAKER'] : [],
      })),
    },
  };
}

/** The .res text node `nodeName` would write; diskful volumes get a made-up backing device per node. */
export function resTextFor(r: TestResource, nodeName: string, backing = (vol: number) => `/dev/vg/${r.name}_${String(vol).padStart(5, '0')}`): string {
  const devices: Record<number, { backingDevice: string }> = {};
  for (const v of r.volumes) devices[v.volumeNumber] = { backingDevice: backing(v.volumeNumber) };
  return buildResFile({ resource: viewOf(r, nodeName), localNodeName: nodeName, devices });
}

/**
 * Runs argv with the host name set to `host` in a private UTS namespace, so drbdadm matches
 * `on <host>`. The script is fixed; host and argv are positional parameters, never parsed by the shell.
 */
export function asHost(host: string, argv: string[]): string[] {
  return ['unshare', '--uts', '--', 'sh', '-c', 'hostname "$1" && shift && exec "$@"', 'as-host', host, ...argv];
}

export const runner = new LocalRunner();

export async function tempDir(t: { teardown(fn: () => unknown): void }, prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `${prefix}-`));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export async function writeRes(dir: string, r: TestResource, nodeName: string): Promise<string> {
  const file = join(dir, `${r.name}-${nodeName}.res`);
  await writeFile(file, resTextFor(r, nodeName));
  return file;
}

export function suffix(): string {
  return Math.random().toString(36).slice(2, 8);
}

/** Creates a loop device over a sparse file; detached and deleted in teardown. */
export async function loopDevice(t: { teardown(fn: () => unknown): void }, dir: string, sizeMiB: number): Promise<string> {
  const img = join(dir, `disk-${suffix()}.img`);
  await runner.run(['truncate', '-s', `${sizeMiB}M`, img]);
  const dev = (await runner.run(['losetup', '-f', '--show', img])).stdout.trim();
  t.teardown(async () => { await runner.run(['losetup', '-d', dev]).catch(() => undefined); });
  return dev;
}
