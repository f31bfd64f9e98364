import { ERP_ROLES } from '@bf/contracts';
import { groupsForRole, moduleOfXmlId, ROLE_GROUPS } from './role-groups';

describe('role → Odoo groups', () => {
  it('has an entry for every role the briefing contract allows, each an internal user', () => {
    for (const role of ERP_ROLES) expect(ROLE_GROUPS[role].always).toContain('base.group_user');
  });

  it('makes admins Settings administrators and users plain internal users', () => {
    expect(groupsForRole('admin', new Set(['base']))).toEqual(['base.group_user', 'base.group_system']);
    expect(groupsForRole('user', new Set(['base', 'crm', 'account']))).toEqual(['base.group_user']);
  });

  it('gives managers the administrator group of each installed business app only', () => {
    expect(groupsForRole('manager', new Set(['base']))).toEqual(['base.group_user']);
    expect(groupsForRole('manager', new Set(['base', 'sales_team', 'project']))).toEqual(['base.group_user', 'sales_team.group_sale_manager', 'project.group_project_manager']);
  });

  it('names the module owning an XML id', () => {
    expect(moduleOfXmlId('account.group_account_manager')).toBe('account');
  });
});
