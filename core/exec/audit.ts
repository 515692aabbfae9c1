/**
 * The exec audit trail: when LINSTOR_EXEC_AUDIT names a file, every command any runner is
 * about to start (locally or on a remote host) is appended to it as one JSON line
 * `{time, pid, where, argv}`, before it runs. The fuzz suite reads it to prove that no command
 * ever ran with a value the request edge refused; operators can use it to see exactly what
 * the software executed.
 */
import { appendFileSync } from 'node:fs';

export function auditCommand(argv: readonly string[], where = 'local'): void {
  const file = process.env.LINSTOR_EXEC_AUDIT;
  if (!file) return;
  try {
    appendFileSync(file, `${JSON.stringify({ time: Date.now(), pid: process.pid, where, argv })}\n`, { mode: 0o600 });
  } catch { /* the audit trail must never stop the command it records */ }
}
