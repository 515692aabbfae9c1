import type { Props, ProviderKind } from '../../model/types.js';
import type { PoolCapacity, ProviderVolume, StorageProvider, Support } from './provider.js';

type SnapshotRef = { volume: string; snapshot: string };

/**
 * A provider whose listings (volumes, snapshots) are kept in memory: listed once, then updated
 * from what its own create/resize/delete calls return, so checking one volume costs a map
 * lookup instead of `lvs`, `zfs list` or `losetup` over the whole pool. `refresh()` lists
 * again (the consistency check, the periodic report); a volume changed while a listing ran
 * keeps what the change returned.
 */
export class InventoryProvider implements StorageProvider {
  private volumes: Promise<Map<string, ProviderVolume>> | undefined;
  private snapshots: Promise<Map<string, SnapshotRef>> | undefined;
  /** Volumes changed while a listing was running: the listing must not overwrite them. */
  private touchedDuringList: Set<string> | undefined;
  private reflink: Promise<boolean> | undefined;

  constructor(readonly inner: StorageProvider) {}

  get kind(): ProviderKind { return this.inner.kind; }
  get pool() { return this.inner.pool; }
  get supportsSnapshots(): boolean { return this.inner.supportsSnapshots; }

  supported(): Promise<Support> { return this.inner.supported(); }
  capacity(): Promise<PoolCapacity> { return this.inner.capacity(); }

  /** Forgets the listings; the next question lists the pool again. */
  refresh(): void {
    this.volumes = undefined;
    this.snapshots = undefined;
    this.reflink = undefined;
  }

  async listVolumes(): Promise<ProviderVolume[]> {
    return [...(await this.volumeTable()).values()];
  }

  /** One volume from the listing (undefined: not in the pool). */
  async volume(name: string): Promise<ProviderVolume | undefined> {
    return (await this.volumeTable()).get(name);
  }

  async create(name: string, sizeKib: number, volumeProps?: Props): Promise<ProviderVolume> {
    return this.recordVolume(name, await this.inner.create(name, sizeKib, volumeProps));
  }

  async resize(name: string, sizeKib: number): Promise<ProviderVolume> {
    return this.recordVolume(name, await this.inner.resize(name, sizeKib));
  }

  /** Deactivation changes nothing the inventory lists (the volume stays). */
  get release(): StorageProvider['release'] {
    return this.inner.release?.bind(this.inner);
  }

  async delete(name: string): Promise<void> {
    await this.inner.delete(name);
    this.touchedDuringList?.add(name);
    if (this.volumes) (await this.volumes.catch(() => new Map<string, ProviderVolume>())).delete(name);
  }

  devicePath(name: string): Promise<string | undefined> { return this.inner.devicePath(name); }

  private async recordVolume(name: string, v: ProviderVolume): Promise<ProviderVolume> {
    this.touchedDuringList?.add(name);
    if (this.volumes) (await this.volumes.catch(() => new Map<string, ProviderVolume>())).set(name, v);
    return v;
  }

  /** The listing; changes made meanwhile wait for it (recordVolume awaits it), so none is lost. */
  private volumeTable(): Promise<Map<string, ProviderVolume>> {
    if (!this.volumes) {
      const p = this.inner.listVolumes().then((vs) => new Map(vs.map((v) => [v.name, v] as const)));
      // A failed listing is not kept: the next question lists again.
      p.catch(() => { if (this.volumes === p) this.volumes = undefined; });
      this.volumes = p;
    }
    return this.volumes;
  }

  private relisting: Promise<void> | undefined;

  /**
   * Lists the pool again behind the current table (which keeps answering meanwhile): volumes
   * created, grown or deleted while the listing ran keep their newer entry. For allocated sizes.
   */
  relist(): Promise<void> {
    this.relisting ??= (async () => {
      const touched = new Set<string>();
      this.touchedDuringList = touched;
      try {
        const listed = new Map((await this.inner.listVolumes()).map((v) => [v.name, v] as const));
        const current = this.volumes ? await this.volumes.catch(() => undefined) : undefined;
        if (current) for (const name of touched) {
          const v = current.get(name);
          if (v) listed.set(name, v); else listed.delete(name);
        }
        this.volumes = Promise.resolve(listed);
      } finally {
        this.touchedDuringList = undefined;
        this.relisting = undefined;
      }
    })();
    return this.relisting;
  }

  // ---- Snapshots, listed once as well. ----

  private snapshotTable(): Promise<Map<string, SnapshotRef>> {
    if (!this.snapshots) {
      const p = (this.inner.listSnapshots?.() ?? Promise.resolve([])).then((l) => new Map(l.map((s) => [snapKey(s), s] as const)));
      p.catch(() => { if (this.snapshots === p) this.snapshots = undefined; });
      this.snapshots = p;
    }
    return this.snapshots;
  }

  get createSnapshot(): StorageProvider['createSnapshot'] {
    const f = this.inner.createSnapshot?.bind(this.inner);
    return f && (async (volume, snapshot) => {
      await f(volume, snapshot);
      if (this.snapshots) (await this.snapshots).set(snapKey({ volume, snapshot }), { volume, snapshot });
    });
  }

  get deleteSnapshot(): StorageProvider['deleteSnapshot'] {
    const f = this.inner.deleteSnapshot?.bind(this.inner);
    return f && (async (volume, snapshot) => {
      await f(volume, snapshot);
      if (this.snapshots) (await this.snapshots).delete(snapKey({ volume, snapshot }));
    });
  }

  get listSnapshots(): StorageProvider['listSnapshots'] {
    return this.inner.listSnapshots && (async () => [...(await this.snapshotTable()).values()]);
  }

  get restoreSnapshot(): StorageProvider['restoreSnapshot'] {
    const f = this.inner.restoreSnapshot?.bind(this.inner);
    // The target volume's entry is stale until the next listing of it.
    return f && (async (source, snapshot, target) => { await f(source, snapshot, target); this.volumes = undefined; });
  }

  get rollbackSnapshot(): StorageProvider['rollbackSnapshot'] {
    const f = this.inner.rollbackSnapshot?.bind(this.inner);
    return f && (async (volume, snapshot) => { await f(volume, snapshot); this.volumes = undefined; });
  }

  get snapshotFile(): StorageProvider['snapshotFile'] { return this.inner.snapshotFile?.bind(this.inner); }
  get stagingFile(): StorageProvider['stagingFile'] { return this.inner.stagingFile?.bind(this.inner); }

  get adoptSnapshotFile(): StorageProvider['adoptSnapshotFile'] {
    const f = this.inner.adoptSnapshotFile?.bind(this.inner);
    return f && (async (staged, volume, snapshot) => {
      await f(staged, volume, snapshot);
      if (this.snapshots) (await this.snapshots).set(snapKey({ volume, snapshot }), { volume, snapshot });
    });
  }

  get reflinkSupported(): StorageProvider['reflinkSupported'] {
    const f = this.inner.reflinkSupported?.bind(this.inner);
    return f && (() => (this.reflink ??= f()));
  }
}

function snapKey(s: SnapshotRef): string {
  return `${s.volume}\u0000${s.snapshot}`;
}
