import { ErpUser } from '@bf/contracts';

type Role = ErpUser['role'];

/** Groups a role always gets, and groups it gets for each business app that is installed (module → group). */
export interface RoleGroups {
  always: string[];
  perInstalledModule: Record<string, string>;
}

/**
 * The briefing's roles (erp_config.users[].role) as Odoo groups, by XML id.
 *
 * | role    | groups                                                                                  |
 * |---------|-----------------------------------------------------------------------------------------|
 * | admin   | base.group_user (internal user) + base.group_system (Settings / Administration)          |
 * | manager | base.group_user + the administrator group of each business app installed at the time:   |
 * |         | sales_team.group_sale_manager (crm/sales), account.group_account_manager (invoicing),   |
 * |         | project.group_project_manager (projects), stock.group_stock_manager (inventory)         |
 * | user    | base.group_user                                                                         |
 *
 * Internal users need base.group_user, so every role lists it. A manager's app
 * groups follow what is installed because a briefing may ask for any mix of
 * modules; groups of apps that aren't installed don't exist in Odoo yet.
 */
export const ROLE_GROUPS: Record<Role, RoleGroups> = {
  admin: { always: ['base.group_user', 'base.group_system'], perInstalledModule: {} },
  manager: {
    always: ['base.group_user'],
    perInstalledModule: {
      sales_team: 'sales_team.group_sale_manager',
      account: 'account.group_account_manager',
      project: 'project.group_project_manager',
      stock: 'stock.group_stock_manager',
    },
  },
  user: { always: ['base.group_user'], perInstalledModule: {} },
};

/** The XML ids a role gets on a server where `installed` are the installed modules. */
export function groupsForRole(role: Role, installed: ReadonlySet<string>): string[] {
  const { always, perInstalledModule } = ROLE_GROUPS[role];
  return [...always, ...Object.entries(perInstalledModule).filter(([module]) => installed.has(module)).map(([, group]) => group)];
}

/** 'account.group_account_manager' → 'account'. */
export function moduleOfXmlId(xmlId: string): string {
  return xmlId.slice(0, xmlId.indexOf('.'));
}
