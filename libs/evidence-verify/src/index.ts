export * from './types';
export * from './verify-pack';
export * from './trusted-keys';
export { NO_TRUSTED_KEYS } from './signature';
export { CHECKSUMS_FILE, ENVELOPE_FILE, PAE_FILE, PIPELINE_EVIDENCE_FILE, PUBLIC_KEY_FILE, SIGNATURE_FILE, STATEMENT_FILE, isContentFile } from './pack-layout';
export { unsafePathReason } from './zip-entries';
