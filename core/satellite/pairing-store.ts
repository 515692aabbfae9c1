/**
 * The one thing a satellite keeps on its own disk: which cluster it serves and its node key
 * (core/model/pairing.ts). Written once, at the first successful pairing, readable by root
 * only; removed only by the operator (`linstor-satellite --reset-pairing`).
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isToken } from '../model/pairing.js';
import { writeFileAtomic } from './atomic-write.js';

export const PAIRING_FILE = 'controller-pairing.json';
export const DEFAULT_STATE_DIRECTORY = '/var/lib/linstor-satellite';

export interface Pairing {
  clusterId: string;
  nodeKey: string;
  pairedAt: string;
  /** Address the controller came from when it paired (for the operator's information). */
  controllerAddress?: string;
}

export class PairingStore {
  readonly file: string;
  private cached: Pairing | undefined | null = null;

  constructor(readonly stateDirectory: string) {
    this.file = join(stateDirectory, PAIRING_FILE);
  }

  get(): Pairing | undefined {
    if (this.cached !== null) return this.cached;
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') { this.cached = undefined; return undefined; }
      throw e;
    }
    const p = JSON.parse(text) as Partial<Pairing>;
    if (!isToken(p.clusterId) || !isToken(p.nodeKey)) throw new Error(`${this.file} is damaged; reset the pairing (linstor-satellite --reset-pairing)`);
    this.cached = p as Pairing;
    return this.cached;
  }

  /** Pins the cluster (atomically: a crash leaves the old file or the new one, never half). */
  pin(p: Pairing): void {
    mkdirSync(this.stateDirectory, { recursive: true, mode: 0o700 });
    writeFileAtomic(this.file, `${JSON.stringify(p, null, 2)}\n`);
    this.cached = p;
  }

  /** Forgets the pairing; true when there was one. */
  reset(): boolean {
    const had = this.get() !== undefined;
    rmSync(this.file, { force: true });
    this.cached = undefined;
    return had;
  }
}
