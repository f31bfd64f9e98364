// The `xmlrpc` package ships no types for its codec modules; we only use these two entry points.
declare module 'xmlrpc/lib/serializer' {
  export function serializeMethodCall(method: string, params: unknown[], encoding?: string): string;
  export function serializeMethodResponse(value: unknown): string;
  export function serializeFault(fault: { faultCode: number; faultString: string }): string;
}

declare module 'xmlrpc/lib/deserializer' {
  import { Readable } from 'node:stream';
  type Callback = (error: (Error & { faultCode?: unknown; faultString?: unknown }) | null | undefined, ...values: unknown[]) => void;
  class Deserializer {
    constructor(encoding?: string);
    deserializeMethodResponse(stream: Readable, callback: Callback): void;
    deserializeMethodCall(stream: Readable, callback: Callback): void;
  }
  export = Deserializer;
}
