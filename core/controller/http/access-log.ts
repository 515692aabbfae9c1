import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';

/**
 * One debug line per REST request once it is answered: method, path with query, status,
 * duration and the peer. Off at the default level (info); `linstor controller set-log-level
 * DEBUG` or `[logging] level = "debug"` turns it on. Bodies are never logged (passphrases).
 */
export function accessLog(log: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    // The level is read per request, so a live level change applies to the next one.
    if (!log.isLevelEnabled('debug')) { next(); return; }
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      log.debug({
        method: req.method, url: req.originalUrl, status: res.statusCode,
        ms: Math.round(Number(process.hrtime.bigint() - start) / 1e5) / 10, peer: req.socket.remoteAddress,
      }, 'REST request');
    });
    next();
  };
}
