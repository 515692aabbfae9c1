import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';

/** Passes bytes through, counting and hashing them (SHA-256 of what was sent or received). */
export class Tap extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void { this.hash.update(chunk); this.bytes += chunk.length; this.push(chunk); cb(); }
}
