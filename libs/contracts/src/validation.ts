import { z } from 'zod';

/** One bad field, named by its JSON path (e.g. `website_config.primary_color`). */
export interface FieldError {
  path: string;
  message: string;
}

export function describeIssues(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.length ? issue.path.join('.') : '(root)',
    message: unrecognizedKeysMessage(issue) ?? issue.message,
  }));
}

function unrecognizedKeysMessage(issue: z.ZodIssue): string | undefined {
  return issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : undefined;
}

export type ParseOutcome<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

export function parseWith<S extends z.ZodTypeAny>(schema: S, input: unknown): ParseOutcome<z.infer<S>> {
  const result = schema.safeParse(input);
  return result.success ? { ok: true, value: result.data } : { ok: false, errors: describeIssues(result.error) };
}
