/**
 * What oned sees of a driver: stderr lines `INFO: <action>: msg` / `ERROR: ...` are forwarded
 * to the VM or image log (one_tm.rb / DriverExecHelper), stdout is the action's result.
 */
let actionName = 'linstor';

export function setActionName(name: string): void { actionName = name; }

export function logInfo(msg: string): void { process.stderr.write(`INFO: ${actionName}: ${msg}\n`); }
export function logWarn(msg: string): void { process.stderr.write(`WARN: ${actionName}: ${msg}\n`); }
export function logError(msg: string): void { process.stderr.write(`ERROR: ${actionName}: ${msg}\n`); }

/** A failure the operator can fix: the message says what is wrong, `fix` what to change. */
export class DriverError extends Error {
  constructor(message: string, readonly fix?: string) {
    super(message);
    this.name = 'DriverError';
  }
}
