import { OdooApi, OdooUserError } from '@bf/odoo';
import { errorMessage } from './step-io';

export interface UserUndoAction {
  login: string;
  id: number;
  action: 'deleted' | 'archived' | 'already_gone';
  /** why Odoo refused the delete, when it was archived instead */
  reason?: string;
}

/**
 * Removes users a step created. Odoo refuses to delete a user other records
 * point at (fault 2: "archive it instead"), so such users are archived, which
 * also stops them logging in.
 */
export class UserRemover {
  constructor(private readonly api: OdooApi) {}

  async removeAll(users: Array<{ login: string; id: number }>): Promise<UserUndoAction[]> {
    const actions: UserUndoAction[] = [];
    for (const user of [...users].reverse()) actions.push(await this.remove(user));
    return actions;
  }

  private async remove({ login, id }: { login: string; id: number }): Promise<UserUndoAction> {
    const [found] = await this.api.searchRead<{ id: number; active: boolean }>('res.users', [['id', '=', id]], ['active'], { context: { active_test: false } });
    if (!found) return { login, id, action: 'already_gone' };
    try {
      await this.api.unlink('res.users', [id]);
      return { login, id, action: 'deleted' };
    } catch (error) {
      if (!(error instanceof OdooUserError)) throw error;
      if (found.active !== false) await this.api.write('res.users', [id], { active: false });
      return { login, id, action: 'archived', reason: errorMessage(error) };
    }
  }
}
