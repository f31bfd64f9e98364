export * from './call-policy';
export * from './errors';
export { faultToError, isScheduledActionBusy, tracebackMessage } from './faults';
export * from './odoo-api';
export * from './odoo-client';
export { SecretScrubber } from './secret-scrubber';
export * from './server-version';
export * from './transport';
export { XmlRpcTransport } from './xml-rpc/xml-rpc.transport';
