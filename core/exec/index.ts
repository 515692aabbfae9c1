export { type CommandRunner, type RunOptions, type RunResult, DEFAULT_TIMEOUT_MS, formatArgv, shellQuote } from './runner.js';
export { auditCommand } from './audit.js';
export { ExecError } from './exec-error.js';
export { LocalRunner } from './local-runner.js';
export { RecordedRunner, type Recording } from './recorded-runner.js';
