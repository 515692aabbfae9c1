/**
 * `resource create-transactional begin|abort|commit`: while a transaction is open (only in the
 * interactive shell, which `begin` starts if needed, as linstor-client does), `resource create`
 * collects resources and `commit` creates them all.
 */
import { ExitCode, type Ctx } from './context.js';
import { session } from './session.js';

type Body = Array<Record<string, unknown>>;

class ResourceTransaction {
  readonly name = 'Resource Creation Transaction';
  active = false;
  terminateOnError = false;
  private pending = new Map<string, Body>();
  async begin(ctx: Ctx, terminateOnError: boolean): Promise<number> {
    this.active = true;
    this.terminateOnError = terminateOnError;
    this.pending.clear();
    if (!session.interactive && session.startShell) return session.startShell();
    if (!session.interactive) ctx.err('Resource creation transactions need the interactive shell (linstor interactive).\n');
    return ExitCode.OK;
  }

  add(rd: string, body: Body): void { this.pending.set(rd, [...(this.pending.get(rd) ?? []), ...body]); }

  abort(ctx: Ctx): number {
    if (!this.active) { ctx.err(`Error: Command not allowed in state 'default'\n`); return ExitCode.ILLEGAL_STATE; }
    this.active = false;
    this.pending.clear();
    return ExitCode.OK;
  }

  /** The collected creates, per resource definition; closes the transaction. */
  commitList(ctx: Ctx): Array<[string, Body]> | undefined {
    if (!this.active) { ctx.err(`Error: Command not allowed in state 'default'\n`); return undefined; }
    const list = [...this.pending];
    this.active = false;
    this.pending.clear();
    return list;
  }

  get prompt(): string { return this.active ? this.name : 'LINSTOR'; }
}

export const transaction = new ResourceTransaction();
