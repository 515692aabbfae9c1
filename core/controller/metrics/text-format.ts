/**
 * Prometheus text exposition format 0.0.4, written family by family (LINSTOR writes its
 * metrics this way rather than through a client-library registry; so do we).
 */
export type Labels = Record<string, string | number | undefined>;

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

export class TextFormat {
  private readonly lines: string[] = [];
  private current = '';

  family(type: 'gauge' | 'counter', name: string, help?: string): this {
    this.current = name;
    // HELP text escapes only backslash and newline.
    if (help) this.lines.push(`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
    this.lines.push(`# TYPE ${name} ${type}`);
    return this;
  }

  sample(value: number, labels: Labels = {}): this {
    const parts = Object.entries(labels).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}="${escapeLabel(String(v))}"`);
    this.lines.push(`${this.current}${parts.length ? `{${parts.join(',')}}` : ''} ${formatValue(value)}`);
    return this;
  }

  toString(): string {
    return this.lines.length ? `${this.lines.join('\n')}\n` : '';
  }
}
