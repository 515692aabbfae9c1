/** `linstor encryption ...`: the master passphrase (create, enter after a restart, modify, status). */
import { ExitCode, newTable, showList, showReplies, type Ctx } from '../context.js';
import { ostr, type CmdSpec, type Parsed } from '../spec.js';
import { askPassphrase } from './passphrase.js';
import { stdinSecrets, type SecretInput } from './prompt.js';
import { SUB } from './common.js';

const PATH = '/v1/encryption/passphrase';

export function encryptionCommand(secrets: SecretInput = stdinSecrets): CmdSpec {
  return {
    name: 'encryption', aliases: ['e'], help: 'Encryption subcommands', title: 'Encryption commands',
    sub: [
      {
        ...SUB.enterPassphrase, help: 'Enter the crypt passphrase.',
        opts: [{ name: 'passphrase', short: 'p', kind: 'str', help: 'Master passphrase to unlock.' }],
        // The REST call takes the passphrase as a bare JSON string, as LINSTOR's does.
        run: async (ctx: Ctx, p: Parsed) => showReplies(ctx, await ctx.client.transport.patch(PATH, ostr(p, 'passphrase') ?? await secrets.ask('Passphrase: '))),
      },
      {
        ...SUB.createPassphrase, help: 'Create a new crypt passphrase.',
        opts: [{ name: 'passphrase', short: 'p', kind: 'str', help: 'Passphrase used for encryption.' }],
        run: async (ctx: Ctx, p: Parsed) => {
          const pass = ostr(p, 'passphrase') ?? await askPassphrase(true, secrets, 'Passphrase: ', 'Reenter passphrase: ');
          return showReplies(ctx, await ctx.client.transport.post(PATH, { new_passphrase: pass }));
        },
      },
      {
        ...SUB.modifyPassphrase, help: 'Change the current passphrase.',
        opts: [
          { name: 'old-passphrase', kind: 'str', help: 'Old passphrase used for encryption.' },
          { name: 'new-passphrase', kind: 'str', help: 'New passphrase used for encryption.' },
        ],
        run: async (ctx: Ctx, p: Parsed) => {
          const oldPass = ostr(p, 'old-passphrase') ?? await secrets.ask('Old passphrase: ');
          const newPass = ostr(p, 'new-passphrase') ?? await askPassphrase(true, secrets, 'New passphrase: ', 'Retype new passphrase: ');
          return showReplies(ctx, await ctx.client.transport.put(PATH, { new_passphrase: newPass, old_passphrase: oldPass }));
        },
      },
      {
        name: 'status', help: 'Shows whether the master passphrase is set and whether the controller is unlocked.',
        run: async (ctx: Ctx) => {
          const st = await ctx.client.transport.get<Array<{ status: string }>>(PATH);
          return showList(ctx, 'raw', st, () => newTable(ctx).addColumn('Status').addRow([st[0]?.status ?? 'unknown']).show()) || ExitCode.OK;
        },
      },
    ],
  };
}
