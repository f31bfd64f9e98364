import { ErpUser } from '@bf/contracts';
import { OdooApi, OdooNotFoundError } from '@bf/odoo';
import { PermanentStepError } from '@bf/step-sdk';
import { groupsForRole, moduleOfXmlId } from './role-groups';

export interface ResolvedGroups {
  xmlIds: string[];
  ids: number[];
}

/** Role → group ids on this server, looked up once per role through ir.model.data. */
export class UserGroupsResolver {
  private readonly byRole = new Map<string, Promise<ResolvedGroups>>();
  private installed?: Promise<Set<string>>;

  constructor(private readonly api: OdooApi) {}

  resolve(role: ErpUser['role']): Promise<ResolvedGroups> {
    let resolved = this.byRole.get(role);
    if (!resolved) this.byRole.set(role, (resolved = this.lookUp(role)));
    return resolved;
  }

  private async lookUp(role: ErpUser['role']): Promise<ResolvedGroups> {
    const xmlIds = groupsForRole(role, await this.installedModules());
    const ids: number[] = [];
    for (const xmlId of xmlIds) {
      try {
        ids.push(await this.api.xmlIdToResId(xmlId));
      } catch (error) {
        if (!(error instanceof OdooNotFoundError)) throw error;
        throw new PermanentStepError(`role '${role}' needs the group ${xmlId}, which Odoo does not have: install the module '${moduleOfXmlId(xmlId)}' first`);
      }
    }
    return { xmlIds, ids };
  }

  private installedModules(): Promise<Set<string>> {
    this.installed ??= this.api
      .searchRead<{ id: number; name: string }>('ir.module.module', [['state', '=', 'installed']], ['name'])
      .then((rows) => new Set(rows.map((row) => row.name)));
    return this.installed;
  }
}
