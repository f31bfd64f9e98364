import { escapeHtml, leadMarker, leadValues } from './crm-lead';

describe('crm.lead values from a contact form submission', () => {
  const source = { id: 'msg_0123456789ab', name: 'Ada <Lovelace>', email: 'ada@example.com', phone: null, company: 'Engines & Co', message: 'Hi <script>x</script>\nsecond "line"', siteId: 'acme.example' };

  it('maps the submission to the documented fields, escaping the message for the HTML description', () => {
    const values = leadValues(source);
    expect(values).toMatchObject({ name: 'Website contact: Ada <Lovelace>', contact_name: 'Ada <Lovelace>', email_from: 'ada@example.com', phone: false, partner_name: 'Engines & Co', type: 'lead' });
    expect(values.description).toBe('<p>Hi &lt;script&gt;x&lt;/script&gt;<br>second &quot;line&quot;</p><p>Sent from the contact form of acme.example [bf:msg_0123456789ab]</p>');
  });

  it('marks validation leads as tests, and carries the marker the duplicate check searches for', () => {
    const values = leadValues(source, { test: true });
    expect(values.name).toBe('[TEST] Website contact: Ada <Lovelace>');
    expect(values.description).toContain(leadMarker(source.id));
    expect(escapeHtml(`'&'`)).toBe('&#39;&amp;&#39;');
  });
});
