/**
 * Test helpers shared by the satellite and controller tests: start a real `linstor-satellite`
 * process on a 127.0.0.x address, give it a FILE_THIN pool in a temp folder, talk to it as a
 * fake controller (the real controller is written elsewhere), and clean up loop devices.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { controllerProof, keyIdOf, newNonce } from '../../core/model/pairing.js';
import type {
  ControllerMessage, DesiredNodeState, DesiredResource, DesiredStoragePool, NodeReport, SatelliteHello, SatelliteMessage,
} from '../../core/model/satellite-protocol.js';

const SATELLITE_MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'core', 'satellite', 'main.js');

export function randomSuffix(): string {
  return Math.random().toString(36).slice(2, 8);
}

/** A fresh temp folder; remove it with removeTempDir after cleanupLoopDevices. */
export function makeTempDir(prefix = 'sat-pool-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeTempDir(dir: string): void {
  cleanupLoopDevices(dir);
  rmSync(dir, { recursive: true, force: true });
}

/** Loop devices whose backing file is under `dir` (also those whose file was already unlinked). */
export function loopDevicesUnder(dir: string): Array<{ device: string; backFile: string }> {
  const r = spawnSync('losetup', ['--json', '--list'], { encoding: 'utf8' });
  if (r.status !== 0 || r.stdout.trim() === '') return [];
  const list = (JSON.parse(r.stdout) as { loopdevices?: Array<{ name: string; 'back-file'?: string | null }> }).loopdevices ?? [];
  return list
    .map((l) => ({ device: l.name, backFile: (l['back-file'] ?? '').replace(/ \(deleted\)$/, '') }))
    .filter((l) => l.backFile.startsWith(dir.endsWith('/') ? dir : dir + '/'));
}

/** Detaches every loop device backed by a file under `dir` (safe to call in teardown). */
export function cleanupLoopDevices(dir: string): void {
  for (const l of loopDevicesUnder(dir)) {
    spawnSync('umount', ['-l', l.device]);
    spawnSync('losetup', ['-d', l.device]);
  }
}

export function fileThinPool(name: string, dir: string): DesiredStoragePool {
  return { name, providerKind: 'FILE_THIN', props: { 'StorDriver/FileDir': dir } };
}

export function storageResource(name: string, pool: string, sizesKib: number[], extra: Partial<DesiredResource> = {}): DesiredResource {
  return {
    name, layerStack: ['STORAGE'], flags: [], props: {},
    volumes: sizesKib.map((sizeKib, volumeNumber) => ({ volumeNumber, sizeKib, storagePool: pool, props: {} })),
    ...extra,
  };
}

export interface SatelliteProcess {
  proc: ChildProcess;
  address: string;
  port: number;
  nodeName: string;
  /** Every log line the process printed so far (pino JSON). */
  logs: string[];
  waitForLog(re: RegExp, timeoutMs?: number): Promise<string>;
  /** SIGTERM and wait for exit (SIGKILL after 3 s). */
  stop(): Promise<void>;
  /** SIGKILL at once, as a crash. */
  kill9(): Promise<void>;
}

export interface StartSatelliteOptions {
  address?: string;
  port?: number;
  nodeName?: string;
  configDirectory?: string;
  reportIntervalMs?: number;
  extraArgs?: string[];
  /** Pass neither --port nor --bind-address: the toml in configDirectory (or the defaults) decide. */
  portFromConfig?: boolean;
  /**
   * Where the satellite keeps its pairing. Default: a folder named after the node in the
   * temp dir, so a restarted satellite of the same node is still paired (removed when the
   * test process exits).
   */
  stateDirectory?: string;
  /** Extra environment (e.g. NOTIFY_SOCKET). */
  env?: Record<string, string>;
}

const stateDirs = new Set<string>();
process.once('exit', () => { for (const d of stateDirs) rmSync(d, { recursive: true, force: true }); });

/** The pairing folder the helpers give the satellite of `nodeName` (see StartSatelliteOptions). */
export function satelliteStateDir(nodeName: string): string {
  const dir = join(tmpdir(), `linstor-sat-state-${process.pid}-${nodeName}`);
  mkdirSync(dir, { recursive: true });
  stateDirs.add(dir);
  return dir;
}

/** Starts `linstor-satellite` (compiled, from dist/) and resolves once it listens. */
export async function startSatellite(opts: StartSatelliteOptions = {}): Promise<SatelliteProcess> {
  const address = opts.address ?? '127.0.0.1';
  const nodeName = opts.nodeName ?? `node-${randomSuffix()}`;
  const listen = opts.portFromConfig ? [] : ['--bind-address', address, '--port', String(opts.port ?? 0)];
  const args = [SATELLITE_MAIN, ...listen, '--node-name', nodeName,
    '--config-directory', opts.configDirectory ?? '/nonexistent-linstor-config', '--report-interval-ms', String(opts.reportIntervalMs ?? 10_000),
    '--state-directory', opts.stateDirectory ?? satelliteStateDir(nodeName),
    ...(opts.extraArgs ?? [])];
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(opts.env ? { env: { ...process.env, ...opts.env } } : {}) });
  const logs: string[] = [];
  const waiters = new Set<() => void>();
  let partial = '';
  const onData = (chunk: Buffer): void => {
    partial += chunk.toString('utf8');
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    logs.push(...lines.filter((l) => l !== ''));
    for (const w of waiters) w();
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const exited = new Promise<void>((r) => proc.once('exit', () => { for (const w of waiters) w(); r(); }));

  const waitForLog = (re: RegExp, timeoutMs = 15_000): Promise<string> => new Promise((resolve, reject) => {
    const check = (): void => {
      const hit = logs.find((l) => re.test(l));
      if (hit) { done(); resolve(hit); return; }
      if (proc.exitCode !== null || proc.signalCode !== null) { done(); reject(new Error(`satellite exited before ${re}:\n${logs.slice(-20).join('\n')}`)); }
    };
    const timer = setTimeout(() => { done(); reject(new Error(`timed out waiting for ${re}:\n${logs.slice(-20).join('\n')}`)); }, timeoutMs);
    const done = (): void => { clearTimeout(timer); waiters.delete(check); };
    waiters.add(check);
    check();
  });

  const line = await waitForLog(/linstor-satellite listening on/, 60_000);
  const port = (JSON.parse(line) as { port: number }).port;
  const boundAddress = (JSON.parse(line) as { address: string }).address;
  const stop = async (): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGTERM');
    const t = setTimeout(() => proc.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(t);
  };
  const kill9 = async (): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGKILL');
    await exited;
  };
  return { proc, address: boundAddress, port, nodeName, logs, waitForLog, stop, kill9 };
}

/**
 * The controller end of the link, played by a test: speaks the newline-delimited JSON protocol
 * of core/model/satellite-protocol.ts so a satellite test can send exact messages at exact
 * moments (a kill mid-apply, a layer it lacks). Tests using it say so in their titles; the
 * same behaviours through the real controller are in test/e2e.
 */
/** The cluster the fake controller claims, and the node keys satellites gave it (per key id). */
export const FAKE_CLUSTER_ID = 'fake0controller0cluster';
const fakeControllerKeys = new Map<string, string>();

export class FakeControllerClient {
  private readonly received: SatelliteMessage[] = [];
  private readonly waiters = new Set<() => void>();
  private seq = 0;
  private reqId = 0;
  private constructor(private readonly socket: Socket) {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.trim()) this.received.push(JSON.parse(line) as SatelliteMessage);
      }
      for (const w of this.waiters) w();
    });
    socket.on('error', () => { /* the test sees it as a timeout */ });
  }

  static connect(address: string, port: number): Promise<FakeControllerClient> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: address, port }, () => resolve(new FakeControllerClient(s)));
      s.once('error', reject);
    });
  }

  send(msg: ControllerMessage): void {
    this.socket.write(JSON.stringify(msg) + '\n');
  }

  /** Resolves with the first message (received since `from`) that matches. */
  next<T extends SatelliteMessage>(match: (m: SatelliteMessage) => boolean, timeoutMs = 30_000, from = 0): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const hit = this.received.slice(from).find(match);
        if (hit) { done(); resolve(hit as T); }
      };
      const timer = setTimeout(() => { done(); reject(new Error(`no matching message within ${timeoutMs} ms; got ${this.received.map((m) => m.type).join(',')}`)); }, timeoutMs);
      const done = (): void => { clearTimeout(timer); this.waiters.delete(check); };
      this.waiters.add(check);
      check();
    });
  }

  get count(): number {
    return this.received.length;
  }

  /** The seq of the last apply sent (an update builds on it). */
  get lastSeq(): number {
    return this.seq;
  }

  /**
   * hello + auth, as the real controller pairs: a satellite seen for the first time hands
   * over its node key (kept here, per key id), later ones prove it.
   */
  async hello(nodeName: string): Promise<SatelliteHello> {
    if (this.paired) return this.paired;
    const from = this.count;
    const nonce = newNonce();
    this.send({ type: 'hello', version: '1.0', controllerId: 'fake-controller', clusterId: FAKE_CLUSTER_ID, nonce, nodeName });
    const hello = await this.next<SatelliteHello>((m) => m.type === 'hello' || m.type === 'refused', 30_000, from);
    if ((hello as { type: string }).type === 'refused') throw new Error(`satellite refused the fake controller: ${(hello as unknown as { message: string }).message}`);
    const id = hello.identity;
    if (id?.nodeKey) fakeControllerKeys.set(keyIdOf(id.nodeKey), id.nodeKey);
    const key = id ? fakeControllerKeys.get(id.keyId) : undefined;
    if (!key || !hello.nonce) throw new Error('satellite gave no usable identity');
    this.send({ type: 'auth', proof: controllerProof(key, FAKE_CLUSTER_ID, nonce, hello.nonce) });
    this.paired = hello;
    return hello;
  }

  private paired: SatelliteHello | undefined;

  /** Sends the full desired state and resolves with the report of that apply. */
  async apply(state: DesiredNodeState, timeoutMs = 60_000): Promise<NodeReport> {
    await this.hello(state.nodeName);
    const seq = ++this.seq;
    this.send({ type: 'apply', seq, state });
    const m = await this.next<{ type: 'report'; seq: number; report: NodeReport }>((x) => x.type === 'report' && x.seq >= seq, timeoutMs);
    return m.report;
  }

  /** Sends apply without waiting for its report (to crash the satellite mid-apply); pair first (hello). */
  applyNoWait(state: DesiredNodeState): number {
    const seq = ++this.seq;
    this.send({ type: 'apply', seq, state });
    return seq;
  }

  async request(msg: { type: 'physical-storage-list' } | { type: 'create-device-pool'; request: import('../../core/model/satellite-protocol.js').DevicePoolRequest }): Promise<Extract<SatelliteMessage, { type: 'response' }>> {
    await this.hello('');
    const reqId = ++this.reqId;
    this.send({ ...msg, reqId } as ControllerMessage);
    return this.next((m) => m.type === 'response' && m.reqId === reqId);
  }

  close(): void {
    this.socket.destroy();
  }
}
