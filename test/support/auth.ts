import type { Role } from '@bf/contracts';
import type { RunningSystem } from '../../apps/gateway/src/start-all';

/**
 * Headers that authenticate a test's request to the gateway as a key of the
 * given role in the default tenant. The API-key work (tenancy issue) provisions
 * one key per role when `startTestSystem` boots and fills this in; until it
 * lands no route asks for a key and this returns no header.
 */
export function authHeaders(_system: RunningSystem, _role: Role = 'admin'): Record<string, string> {
  return {};
}
