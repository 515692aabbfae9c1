/**
 * Reads passphrases: hidden input on a terminal (like getpass), else one line per question
 * from stdin, so `printf 'pw\npw\n' | linstor encryption create-passphrase` works in scripts.
 */
export interface SecretInput {
  isTTY: boolean;
  ask(prompt: string): Promise<string>;
}

let pipedLines: Promise<string[]> | undefined;

function readAllStdin(): Promise<string[]> {
  pipedLines ??= new Promise((resolve, reject) => {
    let buf = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (d: string) => { buf += d; });
    process.stdin.on('end', () => resolve(buf.split(/\r?\n/)));
    process.stdin.on('error', reject);
  });
  return pipedLines;
}

function askHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    let value = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (err?: Error): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err); else resolve(value);
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u0003') return done(new Error('interrupted'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

let lineNo = 0;
export const stdinSecrets: SecretInput = {
  get isTTY() { return Boolean(process.stdin.isTTY); },
  async ask(prompt: string): Promise<string> {
    if (process.stdin.isTTY) return askHidden(prompt);
    const lines = await readAllStdin();
    const v = lines[lineNo++];
    if (v === undefined || (v === '' && lineNo === lines.length)) throw new Error(`no input for "${prompt.trim()}" (give --passphrase or pipe it on stdin)`);
    return v;
  },
};
