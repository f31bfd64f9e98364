import { decodeMethodResponse, encodeMethodCall, XmlRpcFormatError } from './xml-rpc-codec';

const response = (value: string) => `<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value>${value}</value>\n</param>\n</params>\n</methodResponse>\n`;

describe('xml-rpc codec (xmlrpc package)', () => {
  it('decodes what Odoo sends: nil, i4/int, double, boolean, dateTime, untyped strings, nested arrays and structs', async () => {
    const xml = response(
      '<struct>\n<member>\n<name>a</name>\n<value><nil/></value>\n</member>\n' +
        '<member>\n<name>b</name>\n<value><i4>7</i4></value>\n</member>\n' +
        '<member>\n<name>c</name>\n<value><int>-3</int></value>\n</member>\n' +
        '<member>\n<name>d</name>\n<value><double>2.5</double></value>\n</member>\n' +
        '<member>\n<name>e</name>\n<value><boolean>0</boolean></value>\n</member>\n' +
        '<member>\n<name>f</name>\n<value><dateTime.iso8601>20240131T10:20:30</dateTime.iso8601></value>\n</member>\n' +
        '<member>\n<name>g</name>\n<value>untyped &amp; escaped</value>\n</member>\n' +
        '<member>\n<name>h</name>\n<value><array><data>\n<value><int>1</int></value>\n<value><array><data>\n<value><string>x</string></value>\n</data></array></value>\n<value><struct></struct></value>\n</data></array></value>\n</member>\n' +
        '<member>\n<name>i</name>\n<value><string>2024-01-31 10:20:30</string></value>\n</member>\n' +
        '</struct>',
    );
    const reply = await decodeMethodResponse(xml);
    expect(reply.fault).toBe(false);
    const value = (reply as { value: Record<string, unknown> }).value;
    expect(value).toMatchObject({ a: null, b: 7, c: -3, d: 2.5, e: false, g: 'untyped & escaped', h: [1, ['x'], {}], i: '2024-01-31 10:20:30' });
    expect(value.f).toBeInstanceOf(Date);
  });

  it('decodes a fault with its integer code', async () => {
    const xml =
      "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n<value><int>2</int></value>\n</member>\n" +
      '<member>\n<name>faultString</name>\n<value><string>Object x doesn&apos;t exist</string></value>\n</member>\n</struct></value>\n</fault>\n</methodResponse>\n';
    expect(await decodeMethodResponse(xml)).toEqual({ fault: true, faultCode: 2, faultString: "Object x doesn't exist" });
  });

  it('rejects what is not XML-RPC', async () => {
    await expect(decodeMethodResponse('<html><body>502 Bad Gateway</body></html>')).rejects.toBeInstanceOf(XmlRpcFormatError);
  });

  it('encodes x2many commands, false and null, and leaves out undefined keys', () => {
    const xml = encodeMethodCall('execute_kw', ['db', 2, 'pw', 'res.users', 'create', [{ groups_id: [[6, 0, [1, 2]], [4, 3, 0]], tz: undefined, active: false, x: null }], {}]);
    expect(xml).toContain('<name>groups_id</name><value><array><data><value><array><data><value><int>6</int></value><value><int>0</int></value><value><array><data><value><int>1</int></value>');
    expect(xml).toContain('<name>active</name><value><boolean>0</boolean></value>');
    expect(xml).toContain('<name>x</name><value><nil/></value>');
    expect(xml).not.toContain('<name>tz</name>');
    expect(() => encodeMethodCall('m', [undefined])).toThrow(TypeError);
  });
});
