const MASK = '***';

/**
 * Removes secrets from text and from errors in place. Secrets can come back
 * inside echoed XML or URLs, so their escaped forms are removed too.
 */
export class SecretScrubber {
  private readonly forms: string[];

  constructor(secrets: Array<string | undefined>) {
    const variants = secrets.filter((secret): secret is string => !!secret).flatMap((secret) => [secret, encodeURIComponent(secret), escapeXml(secret)]);
    // longest first, so a secret containing another is masked whole
    this.forms = [...new Set(variants)].sort((a, b) => b.length - a.length);
  }

  text(value: string): string {
    return this.forms.reduce((text, form) => text.split(form).join(MASK), value);
  }

  /** Rewrites message, stack and every string field, so nothing a logger serialises holds a secret. */
  error<E>(error: E): E {
    if (!(error instanceof Error)) return error;
    const record = error as unknown as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (typeof record[key] === 'string') record[key] = this.text(record[key] as string);
    }
    error.message = this.text(error.message);
    if (error.stack) error.stack = this.text(error.stack);
    return error;
  }
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
