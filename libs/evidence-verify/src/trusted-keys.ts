import { z } from 'zod';
import { TrustedKey } from './types';

const KeySchema = z.object({ key_id: z.string().min(1), status: z.string().min(1), public_key_pem: z.string().min(1) }).passthrough();
const KeysFileSchema = z.union([z.object({ keys: z.array(KeySchema) }).passthrough(), z.array(KeySchema)]);

/** Reads the body of `GET /api/v1/keys` (or its bare key list), as saved for offline checking. */
export function parseTrustedKeys(text: string): TrustedKey[] {
  const parsed = KeysFileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`not a key list: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);
  const keys = Array.isArray(parsed.data) ? parsed.data : parsed.data.keys;
  return keys.map((key) => ({ key_id: key.key_id, status: key.status, public_key_pem: key.public_key_pem }));
}
