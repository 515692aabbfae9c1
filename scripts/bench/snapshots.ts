/**
 * Snapshot create and restore time for FILE_THIN volumes of 1 GiB with 10% written, on a pool
 * whose filesystem shares blocks (xfs, reflink=1: reflink copies) and on one that cannot
 * (ext4: sparse copies). Each filesystem is a loop-mounted image in a temp folder.
 * Run alone: `node dist/scripts/bench/snapshots.js` (root: losetup, mkfs, mount).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LocalRunner } from '../../core/exec/index.js';
import { createProvider } from '../../core/satellite/providers/registry.js';

export interface SnapshotBenchRow {
  filesystem: 'xfs' | 'ext4';
  copy: 'reflink' | 'sparse';
  volumeMib: number;
  writtenMib: number;
  runs: number;
  createMs: number[];
  restoreMs: number[];
  medianCreateMs: number;
  medianRestoreMs: number;
}

function must(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function benchOne(fs: 'xfs' | 'ext4', volumeMib: number, runs: number): Promise<SnapshotBenchRow> {
  const base = mkdtempSync(join(tmpdir(), `bench-snap-${fs}-`));
  const image = join(base, 'fs.img');
  const mnt = join(base, 'mnt');
  mkdirSync(mnt);
  must('truncate', ['-s', `${volumeMib * 4}M`, image]);
  const dev = must('losetup', ['-f', '--show', image]).trim();
  const runner = new LocalRunner();
  const provider = createProvider({ runner, pool: { name: 'bench', providerKind: 'FILE_THIN', props: { 'StorDriver/FileDir': mnt } } });
  try {
    if (fs === 'xfs') must('mkfs.xfs', ['-q', '-f', '-m', 'reflink=1', dev]); else must('mkfs.ext4', ['-q', '-F', dev]);
    must('mount', [dev, mnt]);
    const vol = await provider.create('bench_00000', volumeMib * 1024);
    // 10% written, spread over the volume in 1 MiB extents (one in every ten).
    const fd = openSync(vol.devicePath!, 'r+');
    const chunk = Buffer.alloc(1024 * 1024, 'snapshot-bench-');
    for (let i = 0; i < volumeMib; i += 10) writeSync(fd, chunk, 0, chunk.length, i * 1024 * 1024);
    closeSync(fd);
    spawnSync('sync');
    const createMs: number[] = [];
    const restoreMs: number[] = [];
    for (let r = 0; r < runs; r++) {
      let t0 = performance.now();
      await provider.createSnapshot!('bench_00000', `s${r}`);
      createMs.push(Math.round(performance.now() - t0));
      t0 = performance.now();
      await provider.create(`copy${r}_00000`, volumeMib * 1024, { RestoreFromResource: 'bench', RestoreFromSnapshot: `s${r}` });
      restoreMs.push(Math.round(performance.now() - t0));
      await provider.delete(`copy${r}_00000`);
      await provider.deleteSnapshot!('bench_00000', `s${r}`);
    }
    await provider.delete('bench_00000');
    return {
      filesystem: fs, copy: (await provider.reflinkSupported!()) ? 'reflink' : 'sparse', volumeMib, writtenMib: Math.ceil(volumeMib / 10),
      runs, createMs, restoreMs, medianCreateMs: median(createMs), medianRestoreMs: median(restoreMs),
    };
  } finally {
    spawnSync('umount', ['-l', mnt]);
    spawnSync('losetup', ['-d', dev]);
    rmSync(base, { recursive: true, force: true });
  }
}

export async function benchSnapshots(volumeMib = 1024, runs = 3): Promise<{ rows: SnapshotBenchRow[] }> {
  return { rows: [await benchOne('xfs', volumeMib, runs), await benchOne('ext4', volumeMib, runs)] };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${JSON.stringify(await benchSnapshots(Number(process.env.BENCH_SNAPSHOT_MIB ?? 1024)), null, 2)}\n`);
}
