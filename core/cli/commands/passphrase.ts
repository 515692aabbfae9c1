/** Passphrase prompts as linstor-client asks them (getpass: hidden on a terminal, else one stdin line each). */
import { UsageError } from '../spec.js';
import { stdinSecrets, type SecretInput } from './prompt.js';

export async function askPassphrase(twice: boolean, secrets: SecretInput = stdinSecrets, prompt = 'Passphrase: ', again = 'Retype new passphrase: '): Promise<string> {
  const a = await secrets.ask(prompt);
  if (!twice) return a;
  const b = await secrets.ask(again);
  if (a !== b) throw new UsageError("Passphrase doesn't match.");
  return a;
}
