/** Everything a request handler needs, handed in once (config, controller client, store, backend). */
import type { Logger } from 'pino';
import type { LinstorClient } from '../../../core/client/index.js';
import { AdapterErrorReporter } from '../../../core/client/adapter-reports.js';
import type { CinderConfig } from '../config.js';
import { LinstorBackend } from '../backend/linstor.js';
import { KeystoneValidator } from '../http/keystone.js';
import { CinderStore } from '../state/store.js';
import { VolumeTypes } from './types.js';

export class CinderService {
  readonly store: CinderStore;
  readonly backend: LinstorBackend;
  readonly types: VolumeTypes;
  /** Validates callers' tokens when `[auth] strategy = "keystone"`. */
  readonly keystone?: KeystoneValidator;
  /** Unexpected failures become error reports on the controller (module CINDER). */
  readonly reporter: AdapterErrorReporter;
  /** Background work (creates, deletes, snapshots) still running; awaited on shutdown. */
  readonly pending = new Set<Promise<unknown>>();

  constructor(readonly cfg: CinderConfig, readonly client: LinstorClient, readonly log: Logger) {
    this.store = new CinderStore(client);
    this.backend = new LinstorBackend(client, log);
    this.types = new VolumeTypes(this.store, cfg);
    this.reporter = new AdapterErrorReporter(client, 'CINDER', log, cfg.errorReportOutbox ? { outboxDir: cfg.errorReportOutbox } : {});
    if (cfg.auth.strategy === 'keystone') {
      if (!cfg.auth.keystone) throw new Error('[auth] strategy = "keystone" needs an [auth.keystone] section');
      this.keystone = new KeystoneValidator(cfg.auth.keystone);
    }
  }

  /** Runs `fn` after the response went out; failures are the fn's own business (it records them). */
  background(what: string, fn: () => Promise<void>): void {
    // The fn records expected failures itself (volume status, user messages): what escapes is a bug.
    const p = fn().catch((e: unknown) => this.reporter.report(e, { action: what }));
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  async drain(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }
}
