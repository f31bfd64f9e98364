/**
 * The XML-RPC wire format (xmlrpc.com spec), as much as a probe needs: encode a
 * call with scalar, array and struct parameters; decode a response into plain
 * values, or a fault into XmlRpcFault. No XML-RPC client on npm is both
 * maintained and free of a dependency tree for this; two calls don't need one.
 */
export type XmlRpcValue = string | number | boolean | null | XmlRpcValue[] | { [key: string]: XmlRpcValue };

export class XmlRpcFault extends Error {
  override readonly name = 'XmlRpcFault';
  constructor(
    readonly faultCode: number,
    readonly faultString: string,
  ) {
    super(`fault ${faultCode}: ${faultString}`);
  }
}

/** The answer was not an XML-RPC methodResponse. */
export class XmlRpcFormatError extends Error {
  override readonly name = 'XmlRpcFormatError';
}

export function encodeMethodCall(method: string, params: XmlRpcValue[]): string {
  const encoded = params.map((param) => `<param><value>${encodeValue(param)}</value></param>`).join('');
  return `<?xml version="1.0"?>\n<methodCall><methodName>${escapeXml(method)}</methodName><params>${encoded}</params></methodCall>`;
}

function encodeValue(value: XmlRpcValue): string {
  if (value === null) return '<nil/>';
  if (typeof value === 'boolean') return `<boolean>${value ? 1 : 0}</boolean>`;
  if (typeof value === 'number') return Number.isInteger(value) ? `<int>${value}</int>` : `<double>${value}</double>`;
  if (typeof value === 'string') return `<string>${escapeXml(value)}</string>`;
  if (Array.isArray(value)) return `<array><data>${value.map((item) => `<value>${encodeValue(item)}</value>`).join('')}</data></array>`;
  const members = Object.entries(value).map(([name, member]) => `<member><name>${escapeXml(name)}</name><value>${encodeValue(member)}</value></member>`);
  return `<struct>${members.join('')}</struct>`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The returned value of a methodResponse; throws XmlRpcFault for a fault, XmlRpcFormatError for anything else. */
export function decodeMethodResponse(xml: string): XmlRpcValue {
  const response = parseXml(xml).children[0];
  if (response?.name !== 'methodResponse') throw new XmlRpcFormatError('the answer is not an XML-RPC methodResponse');
  const fault = child(response, 'fault');
  if (fault) {
    const value = decodeValue(required(fault, 'value'));
    const struct = (value ?? {}) as Record<string, XmlRpcValue>;
    throw new XmlRpcFault(Number(struct.faultCode), String(struct.faultString ?? ''));
  }
  const param = child(required(response, 'params'), 'param');
  if (!param) throw new XmlRpcFormatError('the methodResponse has no value');
  return decodeValue(required(param, 'value'));
}

interface XmlNode {
  name: string;
  children: XmlNode[];
  text: string;
}

function child(node: XmlNode, name: string): XmlNode | undefined {
  return node.children.find((candidate) => candidate.name === name);
}

function required(node: XmlNode, name: string): XmlNode {
  const found = child(node, name);
  if (!found) throw new XmlRpcFormatError(`<${node.name}> has no <${name}>`);
  return found;
}

function decodeValue(value: XmlNode): XmlRpcValue {
  const typed = value.children[0];
  if (!typed) return value.text; // an untyped <value> is a string
  switch (typed.name) {
    case 'int':
    case 'i4':
    case 'i8':
    case 'double':
      return Number(typed.text.trim());
    case 'boolean':
      return typed.text.trim() === '1';
    case 'nil':
      return null;
    case 'string':
    case 'dateTime.iso8601':
    case 'base64':
      return typed.text;
    case 'array':
      return required(typed, 'data').children.filter((item) => item.name === 'value').map(decodeValue);
    case 'struct':
      return Object.fromEntries(
        typed.children.filter((member) => member.name === 'member').map((member) => [required(member, 'name').text, decodeValue(required(member, 'value'))]),
      );
    default:
      throw new XmlRpcFormatError(`unknown XML-RPC type <${typed.name}>`);
  }
}

const TOKEN = /<!\[CDATA\[([\s\S]*?)\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<(\/?)([A-Za-z_][\w.:-]*)[^>]*?(\/?)>|([^<]+)/g;

/** A minimal XML reader: elements and their text, entities decoded. Enough for XML-RPC, which has no attributes or mixed content. */
function parseXml(xml: string): XmlNode {
  const root: XmlNode = { name: '#document', children: [], text: '' };
  const stack = [root];
  for (const [token, cdata, closing, name, selfClosing, text] of xml.matchAll(TOKEN)) {
    const top = stack[stack.length - 1];
    if (cdata !== undefined) top.text += cdata;
    else if (text !== undefined) top.text += decodeEntities(text);
    else if (name === undefined) continue; // comment or processing instruction
    else if (closing) {
      if (top.name !== name || stack.length === 1) throw new XmlRpcFormatError(`malformed XML: unexpected ${token}`);
      stack.pop();
    } else {
      const node: XmlNode = { name, children: [], text: '' };
      top.children.push(node);
      if (!selfClosing) stack.push(node);
    }
  }
  if (stack.length !== 1) throw new XmlRpcFormatError(`malformed XML: <${stack[stack.length - 1].name}> is not closed`);
  return root;
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (entity, body: string) => {
    if (body[0] === '#') return String.fromCodePoint(body[1] === 'x' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10));
    return { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }[body] ?? entity;
  });
}
