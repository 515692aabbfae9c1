import type { Logger } from 'pino';
import type { CommandRunner } from '../exec/index.js';

export type Notifier = (...assignments: string[]) => Promise<void>;

/**
 * sd_notify for `Type=notify` units (packaging/systemd/linstor-satellite.service): when
 * systemd started us it set NOTIFY_SOCKET, and `systemd-notify` sends the datagram there
 * (Node has no AF_UNIX datagram sockets). It sends with `--pid` of this process and waits
 * until the receiver took the message (sd_notify barrier); the unit has NotifyAccess=all so
 * systemd accepts it from the helper. Without NOTIFY_SOCKET this does nothing.
 */
export function systemdNotifier(runner: CommandRunner, log: Logger, env: NodeJS.ProcessEnv = process.env): Notifier {
  const socket = env.NOTIFY_SOCKET;
  if (!socket) return async () => {};
  return async (...assignments) => {
    try {
      await runner.run(['systemd-notify', `--pid=${process.pid}`, ...assignments], { timeoutMs: 15_000, quiet: true });
    } catch (err) {
      log.warn({ err, socket, assignments }, 'could not notify the service manager');
    }
  };
}
