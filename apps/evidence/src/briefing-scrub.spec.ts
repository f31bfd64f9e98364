import { REMOVED, scrubSecrets } from './briefing-scrub';

describe(scrubSecrets.name, () => {
  it('replaces credential fields at any depth and drops config blocks', () => {
    const briefing = {
      business_name: 'Acme',
      odoo_admin_password: 'hunter2',
      users: [{ email: 'a@b.c', Password: 'x', api_key: 'k', 'API-KEY': 'k2', apikey: 'k3' }],
      integrations: { webhook_token: 't', client_secret: 's', url: 'https://x' },
      config: { database_url: 'postgres://u:p@h/db' },
    };
    expect(scrubSecrets(briefing)).toEqual({
      business_name: 'Acme',
      odoo_admin_password: REMOVED,
      users: [{ email: 'a@b.c', Password: REMOVED, api_key: REMOVED, 'API-KEY': REMOVED, apikey: REMOVED }],
      integrations: { webhook_token: REMOVED, client_secret: REMOVED, url: 'https://x' },
    });
    expect(briefing.odoo_admin_password).toBe('hunter2');
  });
});
