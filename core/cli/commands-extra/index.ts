/**
 * Command families added beside core/cli/commands: `encryption`, and the drbd-options /
 * drbd-peer-options sub-commands merged into the existing families by name (families the CLI
 * does not have yet, like resource-connection, are created with just these sub-commands).
 */
import type { CmdSpec } from '../spec.js';
import { DRBD_OPTION_COMMANDS, FAMILY_ALIASES } from './drbd-options.js';
import { encryptionCommand } from './encryption.js';

export { encryptionCommand } from './encryption.js';
export { DRBD_OPTION_COMMANDS, optionsFor, propsModifyFromFlags } from './drbd-options.js';

export function withExtraCommands(commands: CmdSpec[]): CmdSpec[] {
  const out: CmdSpec[] = commands.map((c) => ({ ...c, sub: c.sub ? [...c.sub] : c.sub }));
  for (const [family, sub] of Object.entries(DRBD_OPTION_COMMANDS)) {
    const f = out.find((c) => c.name === family);
    if (!f) {
      out.push({ name: family, aliases: FAMILY_ALIASES[family] ?? [], help: `${family} subcommands`, sub: [sub] });
    } else if (!f.sub?.some((s) => s.name === sub.name)) {
      f.sub = [...(f.sub ?? []), sub];
    }
  }
  if (!out.some((c) => c.name === 'encryption')) out.push(encryptionCommand());
  return out;
}
