/**
 * Slows down guessing of the master passphrase. Checks run one at a time; after n wrong
 * passphrases in a row the next check waits min(30 s, 250 ms × 2^(n-1)), so a guesser gets a
 * handful of tries a minute instead of about eleven a second. A right passphrase resets the
 * count. Only a few checks may wait at once; more are refused at once without being checked.
 */
import { ApiError } from '../../model/errors.js';
import { WrongPassphraseError } from './crypto.js';

export const FIRST_DELAY_MS = 250;
export const MAX_DELAY_MS = 30_000;
const MAX_WAITING = 8;

export class PassphraseThrottle {
  private failures = 0;
  private notBefore = 0;
  private waiting = 0;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly clock: () => number = Date.now) {}

  /** The delay the next check waits now, in ms. */
  get delayMs(): number {
    return Math.max(0, this.notBefore - this.clock());
  }

  /** Runs `check` after the delay earned by earlier failures; a WrongPassphraseError counts as one. */
  run<T>(check: () => Promise<T>): Promise<T> {
    if (this.waiting >= MAX_WAITING) {
      return Promise.reject(new ApiError('FAIL_MISSING_PROPS', 'Too many passphrase attempts are waiting; this one was not checked.', {
        obj: 'CTRL_CONF', cause: 'Repeated wrong passphrases slow down every further attempt.',
        correction: `Try again in ${Math.ceil(this.delayMs / 1000)} s.`,
      }));
    }
    this.waiting++;
    const turn = this.chain.then(async () => {
      const wait = this.delayMs;
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      try {
        const result = await check();
        this.failures = 0;
        this.notBefore = 0;
        return result;
      } catch (e) {
        if (e instanceof WrongPassphraseError) {
          this.failures++;
          this.notBefore = this.clock() + Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (this.failures - 1));
        }
        throw e;
      }
    }).finally(() => { this.waiting--; });
    this.chain = turn.catch(() => undefined);
    return turn;
  }
}
