import { PassThrough } from 'node:stream';
import Deserializer from 'xmlrpc/lib/deserializer';
import { serializeMethodCall } from 'xmlrpc/lib/serializer';

/** A decoded `methodResponse`: either the single return value or a fault. */
export type XmlRpcReply = { fault: false; value: unknown } | { fault: true; faultCode: unknown; faultString: unknown };

export class XmlRpcFormatError extends Error {}

/**
 * Thin adapter over the `xmlrpc` package's codec (sax parser, xmlbuilder writer).
 * It handles what Odoo sends: <nil/>, int/i4/i8, double, boolean, string,
 * dateTime.iso8601, base64, nested array/struct, and integer fault codes.
 */
export function encodeMethodCall(method: string, params: unknown[]): string {
  return serializeMethodCall(method, params.map(toWire));
}

export function decodeMethodResponse(xml: string): Promise<XmlRpcReply> {
  return new Promise((resolve) => {
    const stream = new PassThrough();
    new Deserializer().deserializeMethodResponse(stream, (error, value) => {
      if (!error) return resolve({ fault: false, value });
      if ('faultCode' in error) return resolve({ fault: true, faultCode: error.faultCode, faultString: error.faultString });
      resolve(Promise.reject(new XmlRpcFormatError(error.message)));
    });
    stream.end(Buffer.from(xml, 'utf8'));
  });
}

/**
 * The library writes `undefined` as an untyped empty <value/>, which Python
 * reads as ''. Odoo treats a missing key as "not given", so drop those keys
 * and refuse undefined elsewhere instead of sending a silent empty string.
 */
function toWire(value: unknown): unknown {
  if (value === undefined) throw new TypeError('undefined cannot be sent over XML-RPC (use null or leave the key out)');
  if (Array.isArray(value)) return value.map(toWire);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined).map(([key, item]) => [key, toWire(item)]));
  }
  return value;
}
