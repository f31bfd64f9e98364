import { parseServerVersion, usersGroupsField } from './server-version';

const reply = (server_version: string, server_version_info: unknown[]) => ({ server_version, server_version_info, server_serie: server_version, protocol_version: 1 });

describe(parseServerVersion.name, () => {
  it.each([
    [reply('17.0', [17, 0, 0, 'final', 0, '']), { major: 17, minor: 0, saas: false }],
    [reply('18.0+e', [18, 0, 0, 'final', 0, 'e']), { major: 18, minor: 0, saas: false }],
    [reply('saas~18.1', ['saas~18', 1, 0, 'final', 0, '']), { major: 18, minor: 1, saas: true }],
    [reply('saas~17.1', ['saas~17.1', 0, 0, 'final', 0]), { major: 17, minor: 1, saas: true }],
    [reply('19.0', [19, 0]), { major: 19, minor: 0, saas: false }],
    [{ server_version: 'saas~17.4' }, { major: 17, minor: 4, saas: true }],
  ])('parses %j', (input, expected) => {
    expect(parseServerVersion(input)).toMatchObject(expected);
  });

  it('refuses a reply that is not a version', () => {
    expect(() => parseServerVersion({ server_version: 'banana' })).toThrow(/unrecognised Odoo version/);
  });
});

describe(usersGroupsField.name, () => {
  it.each([
    ['17.0', [17, 0], 'groups_id'],
    ['18.0', [18, 0], 'groups_id'],
    ['saas~17.4', ['saas~17', 4], 'groups_id'],
    ['18.1', [18, 1], 'group_ids'],
    ['saas~18.1', ['saas~18', 1], 'group_ids'],
    ['19.0', [19, 0], 'group_ids'],
  ])('%s → %s', (version, info, field) => {
    expect(usersGroupsField(parseServerVersion(reply(version, info as unknown[])))).toBe(field);
  });
});
