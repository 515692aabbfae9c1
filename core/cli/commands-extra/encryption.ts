/** `linstor encryption create-passphrase | enter-passphrase | modify-passphrase` (§3.8). */
import { showReplies, type Ctx } from '../context.js';
import { ostr, UsageError, type CmdSpec, type Parsed } from '../spec.js';
import { stdinSecrets, type SecretInput } from './prompt.js';

const PATH = '/v1/encryption/passphrase';

async function askTwice(secrets: SecretInput, prompt: string): Promise<string> {
  const a = await secrets.ask(`${prompt}: `);
  const b = await secrets.ask(`${prompt} (repeat): `);
  if (a !== b) throw new UsageError('the passphrases do not match');
  if (!a) throw new UsageError('the passphrase must not be empty');
  return a;
}

export function encryptionCommand(secrets: SecretInput = stdinSecrets): CmdSpec {
  return {
    name: 'encryption', aliases: ['e'], help: 'Encryption subcommands (the master passphrase)',
    sub: [
      {
        name: 'create-passphrase', aliases: ['cp', 'create'], help: 'Creates the master passphrase (asked twice unless --passphrase is given).',
        opts: [{ name: 'passphrase', kind: 'str', help: 'The new master passphrase (else prompted)' }],
        run: async (ctx: Ctx, p: Parsed) => {
          const pass = ostr(p, 'passphrase') ?? await askTwice(secrets, 'Master passphrase');
          return showReplies(ctx, await ctx.client.transport.post(PATH, { new_passphrase: pass }));
        },
      },
      {
        name: 'enter-passphrase', aliases: ['ep', 'enter'], help: 'Enters the master passphrase after a controller restart.',
        opts: [{ name: 'passphrase', kind: 'str', help: 'The master passphrase (else prompted)' }],
        run: async (ctx: Ctx, p: Parsed) => {
          const pass = ostr(p, 'passphrase') ?? await secrets.ask('Master passphrase: ');
          // The REST call takes the passphrase as a bare JSON string, as LINSTOR's does.
          return showReplies(ctx, await ctx.client.transport.patch(PATH, pass));
        },
      },
      {
        name: 'modify-passphrase', aliases: ['mp', 'modify'], help: 'Changes the master passphrase (the volume keys stay the same).',
        opts: [
          { name: 'old-passphrase', kind: 'str', help: 'The current master passphrase (else prompted)' },
          { name: 'new-passphrase', kind: 'str', help: 'The new master passphrase (else prompted twice)' },
        ],
        run: async (ctx: Ctx, p: Parsed) => {
          const oldPass = ostr(p, 'old-passphrase') ?? await secrets.ask('Old master passphrase: ');
          const newPass = ostr(p, 'new-passphrase') ?? await askTwice(secrets, 'New master passphrase');
          return showReplies(ctx, await ctx.client.transport.put(PATH, { old_passphrase: oldPass, new_passphrase: newPass }));
        },
      },
    ],
  };
}
