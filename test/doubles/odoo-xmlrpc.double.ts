import { DoubleHandler, sendText } from './http-double';

/**
 * Odoo 17's `/xmlrpc/2/common` service as far as a preflight uses it:
 * `version()` and `authenticate(db, login, password, user_agent_env)`. As in
 * Odoo, bad credentials make `authenticate` return false (no fault), an unknown
 * database is fault 1 with a traceback, and an unknown method is fault 1 too.
 */
export function odooXmlRpcDouble(options: { db: string; login: string; password: string; uid?: number }): DoubleHandler {
  return (request, response) => {
    if (request.method !== 'POST' || request.path !== '/xmlrpc/2/common') {
      return void response.writeHead(404, { 'content-type': 'text/html' }).end('<html><body><h1>404 Not Found</h1></body></html>');
    }
    const method = /<methodName>([^<]*)<\/methodName>/.exec(request.body)?.[1];
    const strings = [...request.body.matchAll(/<value><string>([^<]*)<\/string><\/value>/g)].map((match) => unescape(match[1]));
    const xml = (inner: string) => sendText(response, 200, `<?xml version='1.0'?>\n<methodResponse>\n${inner}\n</methodResponse>\n`);
    const value = (inner: string) => xml(`<params>\n<param>\n<value>${inner}</value>\n</param>\n</params>`);
    const fault = (code: number, text: string) =>
      xml(`<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n<value><int>${code}</int></value>\n</member>\n<member>\n<name>faultString</name>\n<value><string>${escape(text)}</string></value>\n</member>\n</struct></value>\n</fault>`);
    if (method === 'version') {
      return value(
        '<struct>\n<member>\n<name>server_version</name>\n<value><string>17.0</string></value>\n</member>\n' +
          '<member>\n<name>server_version_info</name>\n<value><array><data>\n<value><int>17</int></value>\n<value><int>0</int></value>\n<value><int>0</int></value>\n<value><string>final</string></value>\n<value><int>0</int></value>\n<value><string></string></value>\n</data></array></value>\n</member>\n' +
          '<member>\n<name>server_serie</name>\n<value><string>17.0</string></value>\n</member>\n<member>\n<name>protocol_version</name>\n<value><int>1</int></value>\n</member>\n</struct>',
      );
    }
    if (method === 'authenticate') {
      const [db, login, password] = strings;
      if (db !== options.db) {
        return fault(1, `Traceback (most recent call last):\n  File "/usr/lib/python3/dist-packages/odoo/sql_db.py", line 638, in borrow\npsycopg2.OperationalError: connection to server failed: FATAL:  database "${db}" does not exist\n`);
      }
      return value(login === options.login && password === options.password ? `<int>${options.uid ?? 2}</int>` : '<boolean>0</boolean>');
    }
    return fault(1, `Traceback (most recent call last):\nKeyError: '${method}'\n`);
  };
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function unescape(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
