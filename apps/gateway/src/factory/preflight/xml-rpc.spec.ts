import { decodeMethodResponse, encodeMethodCall, XmlRpcFault, XmlRpcFormatError } from './xml-rpc';

describe('xml-rpc', () => {
  it('encodes a call with strings (escaped), numbers, booleans, arrays and structs', () => {
    expect(encodeMethodCall('authenticate', ['db', 'a<b&c', 3, 1.5, true, [null], { k: 'v' }])).toBe(
      '<?xml version="1.0"?>\n<methodCall><methodName>authenticate</methodName><params>' +
        '<param><value><string>db</string></value></param>' +
        '<param><value><string>a&lt;b&amp;c</string></value></param>' +
        '<param><value><int>3</int></value></param>' +
        '<param><value><double>1.5</double></value></param>' +
        '<param><value><boolean>1</boolean></value></param>' +
        '<param><value><array><data><value><nil/></value></data></array></value></param>' +
        '<param><value><struct><member><name>k</name><value><string>v</string></value></member></struct></value></param>' +
        '</params></methodCall>',
    );
  });

  it('decodes values as Python xmlrpc.server writes them', () => {
    const xml = `<?xml version='1.0'?>
<methodResponse>
<params>
<param>
<value><struct>
<member>
<name>server_version</name>
<value><string>saas~17.1 &amp; more</string></value>
</member>
<member>
<name>info</name>
<value><array><data>
<value><int>17</int></value>
<value><i4>-1</i4></value>
<value><boolean>0</boolean></value>
<value>untyped</value>
<value><double>2.5</double></value>
<value><nil/></value>
</data></array></value>
</member>
</struct></value>
</param>
</params>
</methodResponse>`;
    expect(decodeMethodResponse(xml)).toEqual({ server_version: 'saas~17.1 & more', info: [17, -1, false, 'untyped', 2.5, null] });
    expect(decodeMethodResponse('<methodResponse><params><param><value><boolean>0</boolean></value></param></params></methodResponse>')).toBe(false);
  });

  it('throws a fault with its code and string', () => {
    const xml =
      '<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>3</int></value></member>' +
      '<member><name>faultString</name><value><string>Access Denied</string></value></member></struct></value></fault></methodResponse>';
    expect(() => decodeMethodResponse(xml)).toThrow(new XmlRpcFault(3, 'Access Denied'));
  });

  it('refuses what is not a methodResponse', () => {
    expect(() => decodeMethodResponse('<html><body>Not Found</body></html>')).toThrow(XmlRpcFormatError);
    expect(() => decodeMethodResponse('<methodResponse><params>')).toThrow(XmlRpcFormatError);
    expect(() => decodeMethodResponse('{"jsonrpc": "2.0"}')).toThrow(XmlRpcFormatError);
  });
});
