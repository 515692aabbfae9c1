/**
 * A tiny writer for drbd.conf syntax: `name { ... }` sections with four-space indentation,
 * `key value;` statements, and quoting that drbdadm's parser accepts.
 */
export class ConfText {
  private readonly lines: string[] = [];
  private depth = 0;

  line(text: string): this {
    this.lines.push(text === '' ? '' : '    '.repeat(this.depth) + text);
    return this;
  }

  /** Writes `header {`, the body, then `}`; a section whose body wrote nothing is left out. */
  section(header: string, body: (w: ConfText) => void, opts: { keepEmpty?: boolean } = {}): this {
    const start = this.lines.length;
    this.line(header).line('{');
    this.depth++;
    const bodyStart = this.lines.length;
    body(this);
    this.depth--;
    if (this.lines.length === bodyStart && !opts.keepEmpty) {
      this.lines.length = start;
      return this;
    }
    this.line('}');
    return this;
  }

  statement(key: string, value: string): this {
    return this.line(`${key} ${value};`);
  }

  toString(): string {
    return this.lines.join('\n') + '\n';
  }
}

/** Double-quotes a value for drbd.conf; callers validated it has no quote, backslash or newline. */
export function quote(value: string): string {
  if (/["\\\n\r]/.test(value)) throw new Error(`value cannot be quoted for drbd.conf: ${JSON.stringify(value)}`);
  return `"${value}"`;
}

/** `ipv4 1.2.3.4:7000` or `ipv6 [fe80::1]:7000`, as drbd.conf wants an address with its family. */
export function drbdAddress(ip: string, port: number): string {
  return ip.includes(':') ? `ipv6 [${ip}]:${port}` : `ipv4 ${ip}:${port}`;
}
