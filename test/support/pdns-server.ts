import { PowerDnsServer, startPowerDns as startHarness, StartPowerDnsOptions } from '../bench/pdns-harness';
import { freePort } from './net';

export type { PowerDnsServer, StartPowerDnsOptions };

/**
 * The specs' entry to the real pdns_server. The harness itself lives under
 * test/bench so the bench build can use it too. No skip when pdns_server is
 * missing: CI installs it, and a silent skip would hide the provider untested.
 */
export function startPowerDns(options: StartPowerDnsOptions = {}): Promise<PowerDnsServer> {
  return startHarness({ freePort, ...options });
}
