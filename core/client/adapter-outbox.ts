/**
 * An adapter's error reports that could not reach a controller wait here, one JSON file each,
 * until the next call that reaches one sends them. The folder is the adapter's own (its state
 * dir, or one its configuration names) — never a path from a request. Bounded: at most
 * MAX_PENDING reports of at most MAX_BYTES each; beyond that the oldest go.
 *
 * The same folder also remembers which failures were filed in the last minute, so adapters
 * that run one process per call (the Proxmox hook, the OpenNebula actions) file a failure that
 * repeats on every call (pvestatd asks every 10 s) once, as the long-running ones do.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../satellite/atomic-write.js';

export const MAX_PENDING = 50;
export const MAX_BYTES = 64 * 1024;
const PENDING = /^pending-\d{13}-[0-9a-f]{8}\.json$/;
const SEEN = /^seen-[0-9a-f]{16}$/;

export interface OutboxEntry<T> { file: string; body: T }

export class AdapterOutbox<T extends object> {
  constructor(readonly dir: string) {}

  private ensure(): void { mkdirSync(this.dir, { recursive: true, mode: 0o700 }); }

  private files(re: RegExp): string[] {
    try { return readdirSync(this.dir).filter((f) => re.test(f)).sort(); } catch { return []; }
  }

  /** Keeps `body` for later; the oldest reports go beyond the bound. Throws when the folder is unusable. */
  keep(body: T): string {
    let text = JSON.stringify(body);
    if (Buffer.byteLength(text) > MAX_BYTES) {
      // The text (command output, backtrace) and the message are the big parts: cut them, keep the fields.
      const b = body as T & { text?: string; exception_message?: string };
      const cut = {
        ...b,
        text: `${(b.text ?? '').slice(0, MAX_BYTES / 2)}\n... (cut: the report was larger than ${MAX_BYTES} bytes)`,
        ...(b.exception_message !== undefined ? { exception_message: b.exception_message.slice(0, 1024) } : {}),
      };
      text = JSON.stringify(cut);
    }
    this.ensure();
    const name = `pending-${String(Date.now()).padStart(13, '0')}-${randomBytes(4).toString('hex')}.json`;
    writeFileAtomic(join(this.dir, name), text);
    const all = this.files(PENDING);
    for (const old of all.slice(0, Math.max(0, all.length - MAX_PENDING))) rmSync(join(this.dir, old), { force: true });
    return name;
  }

  /** Waiting reports, oldest first; unreadable files are dropped. */
  pending(): Array<OutboxEntry<T>> {
    const out: Array<OutboxEntry<T>> = [];
    for (const file of this.files(PENDING)) {
      try { out.push({ file, body: JSON.parse(readFileSync(join(this.dir, file), 'utf8')) as T }); } catch { rmSync(join(this.dir, file), { force: true }); }
    }
    return out;
  }

  remove(file: string): void {
    if (PENDING.test(file)) rmSync(join(this.dir, file), { force: true });
  }

  /** True when `key` was seen less than `windowMs` ago (by any process); marks it seen now otherwise. */
  seenWithin(key: string, windowMs: number): boolean {
    const name = `seen-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
    const now = Date.now();
    try {
      if (now - statSync(join(this.dir, name)).mtimeMs < windowMs) return true;
    } catch { /* not seen */ }
    try {
      this.ensure();
      for (const f of this.files(SEEN)) {
        try { if (now - statSync(join(this.dir, f)).mtimeMs >= windowMs) rmSync(join(this.dir, f), { force: true }); } catch { /* raced */ }
      }
      writeFileSync(join(this.dir, name), '');
      utimesSync(join(this.dir, name), now / 1000, now / 1000);
    } catch { /* an unusable folder only costs the de-duplication */ }
    return false;
  }
}
