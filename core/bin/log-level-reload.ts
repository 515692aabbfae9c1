import type { Logger } from 'pino';

/**
 * SIGHUP re-reads the level (`[logging] level` of the daemon's TOML file) and applies it at
 * once; a level given on the command line still wins, as at start. Nothing else is re-read.
 */
export function reloadLogLevelOnHup(log: Logger, readLevel: () => string): void {
  process.on('SIGHUP', () => {
    let level: string;
    try {
      level = readLevel().toLowerCase();
    } catch (e) {
      log.error({ err: (e as Error).message }, 'SIGHUP: could not read the configuration; log level unchanged');
      return;
    }
    if (!Object.hasOwn(log.levels.values, level)) {
      log.error({ level }, 'SIGHUP: unknown log level in the configuration; log level unchanged');
      return;
    }
    const before = log.level;
    log.level = level;
    // Said at warn so it shows at every level (also when the new level hides info).
    log.warn({ from: before, to: level }, 'log level reloaded');
  });
}
