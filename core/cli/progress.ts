/**
 * Shows that a command is waiting: a spinner with a message on stderr, redrawn in place. Only
 * when stdout and stderr are both terminals and the output is not -m, so pipes, files and
 * scripts never see it.
 */
export interface Progress {
  /** Starts (or updates) the spinner line; returns a function that clears it. */
  start(message: string): () => void;
  update(message: string): void;
  readonly enabled: boolean;
}

const FRAMES = ['|', '/', '-', '\\'];

export function createProgress(opts: { enabled: boolean; write: (s: string) => void; intervalMs?: number }): Progress {
  let timer: NodeJS.Timeout | undefined;
  let text = '';
  let frame = 0;
  let shown = 0;
  const draw = (): void => {
    const line = `${FRAMES[frame++ % FRAMES.length]} ${text}`;
    opts.write(`\r${line}${' '.repeat(Math.max(0, shown - line.length))}`);
    shown = line.length;
  };
  const clear = (): void => {
    if (timer) { clearInterval(timer); timer = undefined; }
    if (shown) { opts.write(`\r${' '.repeat(shown)}\r`); shown = 0; }
  };
  return {
    enabled: opts.enabled,
    start(message: string) {
      if (!opts.enabled) return () => {};
      text = message;
      draw();
      timer ??= setInterval(draw, opts.intervalMs ?? 120);
      timer.unref();
      return clear;
    },
    update(message: string) { if (opts.enabled) { text = message; if (timer) draw(); } },
  };
}

/** Polls `check` until it returns a value or the deadline passes, with the spinner on. */
export async function waitFor<T>(progress: Progress, message: string, check: () => Promise<T | undefined>, opts: { timeoutMs: number; intervalMs?: number }): Promise<T | undefined> {
  const stop = progress.start(message);
  const until = Date.now() + opts.timeoutMs;
  try {
    for (;;) {
      const v = await check();
      if (v !== undefined) return v;
      if (Date.now() >= until) return undefined;
      await new Promise((r) => setTimeout(r, opts.intervalMs ?? 500));
    }
  } finally {
    stop();
  }
}
