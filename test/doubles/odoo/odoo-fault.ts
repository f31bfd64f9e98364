/**
 * Faults as Odoo's `/xmlrpc/2` handler produces them: UserError/ValidationError
 * → 2 with the bare message, AccessDenied → 3, AccessError → 4, anything else
 * → 1 with the formatted Python traceback (its last line is "Type: message").
 */
export class OdooFault extends Error {
  private constructor(
    readonly code: 1 | 2 | 3 | 4,
    readonly faultString: string,
  ) {
    super(faultString);
  }

  static user(message: string): OdooFault {
    return new OdooFault(2, message);
  }

  static accessDenied(): OdooFault {
    return new OdooFault(3, 'Access Denied');
  }

  static accessError(message: string): OdooFault {
    return new OdooFault(4, message);
  }

  /** e.g. python('ValueError', "Invalid field 'x' on model 'y'") */
  static python(exception: string, message: string, frame = 'odoo/models.py", line 4664, in create'): OdooFault {
    return new OdooFault(
      1,
      'Traceback (most recent call last):\n' +
        '  File "/usr/lib/python3/dist-packages/odoo/addons/base/controllers/rpc.py", line 154, in xmlrpc_2\n    response = self._xmlrpc(service)\n' +
        '  File "/usr/lib/python3/dist-packages/odoo/service/model.py", line 62, in execute_kw\n    return execute(db, uid, obj, method, *args, **kw or {})\n' +
        `  File "/usr/lib/python3/dist-packages/${frame}\n` +
        `${exception}: ${message}\n`,
    );
  }

  static invalidField(model: string, field: string): OdooFault {
    return OdooFault.python('ValueError', `Invalid field '${field}' on model '${model}'`);
  }

  /** What Odoo's IntegrityError → ValidationError conversion says for a NOT NULL column. */
  static missingRequired(model: string, description: string, field: string): OdooFault {
    return OdooFault.user(
      'The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n' +
        `Model: ${description} (${model})\nField: ${field} (${field})\n`,
    );
  }
}

export const SCHEDULED_ACTION_MESSAGE =
  'Odoo is currently processing a scheduled action.\nModule operations are not possible at this time, please try again later or contact your system administrator.';
