import { z } from 'zod';

/** An optional form field: an empty input (a browser sends "") means absent. */
const optionalText = (max: number) =>
  z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), z.string().trim().max(max).optional());

/**
 * A website contact form submission (`POST /api/v1/sites/{site_id}/contact`),
 * as JSON or as a plain form post. Unknown fields are refused by name, like
 * on every other route: the generated sites' forms send exactly these.
 */
export const ContactSubmissionSchema = z.object({
  name: z.string().trim().min(1, 'is required').max(200),
  email: z.string().trim().max(254).email(),
  message: z.string().trim().min(1, 'is required').max(5000),
  phone: z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    z.string().trim().regex(/^\+?[0-9 ()/.-]{5,40}$/, 'must be a phone number like +49 30 12345678').optional(),
  ),
  company: optionalText(200),
}).strict();
export type ContactSubmission = z.infer<typeof ContactSubmissionSchema>;

/** The site a form belongs to: its domain. */
export const SiteIdSchema = z
  .string()
  .transform((value) => value.trim().toLowerCase())
  .pipe(z.string().regex(/^(?=.{1,253}$)(?!-)([a-z0-9-]{1,63}(?<!-)\.)+[a-z]{2,63}$/, 'must be the site domain like acme.example'));

export const ContactSubmissionListQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();
