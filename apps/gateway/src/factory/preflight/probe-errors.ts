/** `EACCES: permission denied, open '/x'` → `permission denied (EACCES)`: the detail names the path already. */
export function describeFsError(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  if (!code) return message;
  const text = message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
  return `${text} (${code})`;
}

/** A probe that could not get an answer: the message is for an operator, with no stack. */
export class ProbeError extends Error {
  override readonly name = 'ProbeError';
}
