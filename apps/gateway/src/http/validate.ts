import { BadRequestException } from '@nestjs/common';
import { z } from 'zod';
import { parseWith } from '@bf/contracts';

/** Parses a request part with a contract schema; a 400 lists every bad field by path. */
export function validated<S extends z.ZodTypeAny>(schema: S, input: unknown, what: string): z.infer<S> {
  const outcome = parseWith(schema, input ?? {});
  if (outcome.ok) return outcome.value;
  throw new BadRequestException({ message: `invalid ${what}: ${outcome.errors.length} problem(s)`, details: outcome.errors });
}
