import { className, extensionFieldProblem, fieldNameProblem, labelOf, modelNameProblem, moduleNameProblem, relationProblem, tableName } from './odoo-names';

describe('Odoo names', () => {
  it('accepts technical module names and rejects paths, Unicode and keywords (seed 001 _is_safe_module_name, strict)', () => {
    for (const good of ['x_patient_appointments', 'acme_crm', 'ab']) expect(moduleNameProblem(good)).toBeUndefined();
    for (const bad of ['../etc', 'a/b', 'a\\b', 'x..y', 'x.y', 'ünïcode', 'Acme', '_acme', '9acme', 'a', 'acme_', 'acme__crm', 'acme crm', 'acme;rm', 'import', 'x'.repeat(64)]) {
      expect(moduleNameProblem(bad)).toBeDefined();
    }
  });

  it('wants model names dotted, lower case, singular and in the module namespace', () => {
    expect(modelNameProblem('x_clinic.patient', 'x_patient_appointments')).toBeUndefined();
    expect(modelNameProblem('acme.customer', 'acme_crm')).toBeUndefined();
    expect(modelNameProblem('acme_crm.order.line', 'acme_crm')).toBeUndefined();
    expect(modelNameProblem('acme.status', 'acme_crm')).toBeUndefined();
    expect(modelNameProblem('acme.address', 'acme_crm')).toBeUndefined();
    expect(modelNameProblem('res.partner', 'acme_crm')).toMatch(/module prefix/);
    expect(modelNameProblem('res.partner', 'res_tweaks')).toMatch(/Odoo's own namespace "res"/);
    expect(modelNameProblem('sale.order', 'sale_extra')).toMatch(/Odoo's own namespace/);
    expect(modelNameProblem('acmex.customer', 'acme_crm')).toMatch(/module prefix/);
    expect(modelNameProblem('acme.customers', 'acme_crm')).toMatch(/singular/);
    expect(modelNameProblem('acme.properties', 'acme_crm')).toMatch(/singular/);
    expect(modelNameProblem(`acme.${'a'.repeat(60)}`, 'acme_crm')).toMatch(/too long/);
    for (const bad of ['acme', 'Acme.customer', 'acme..customer', 'acme./customer', 'acme.cust-omer', 'acme.customer.', 'acme._x', 'acme.x__y']) {
      expect(modelNameProblem(bad, 'acme_crm')).toBeDefined();
    }
  });

  it('rejects Python keywords, Odoo magic columns and names that shadow the model API or imports', () => {
    expect(fieldNameProblem('partner_id')).toBeUndefined();
    expect(fieldNameProblem('name')).toBeUndefined();
    for (const keyword of ['class', 'def', 'import', 'lambda', 'from', 'global', 'match']) expect(fieldNameProblem(keyword)).toMatch(/keyword/);
    for (const reserved of ['id', 'create_uid', 'create_date', 'write_uid', 'write_date', 'display_name', 'env', 'write', 'unlink', 'fields', 'models']) {
      expect(fieldNameProblem(reserved)).toMatch(/reserved/);
    }
    for (const bad of ['__init__', '_private', 'Name', 'a-b', 'a.b', 'a b', 'ñame']) expect(fieldNameProblem(bad)).toBeDefined();
  });

  it('checks relation targets are model names', () => {
    expect(relationProblem('res.partner')).toBeUndefined();
    for (const bad of ['res.partner)', "res.partner'", 'partner', '../res.partner']) expect(relationProblem(bad)).toBeDefined();
  });

  it('derives table, class and label names', () => {
    expect(tableName('x_clinic.patient')).toBe('x_clinic_patient');
    expect(className('x_clinic.patient')).toBe('XClinicPatient');
    expect(labelOf('birth_date')).toBe('Birth date');
    expect(labelOf('partner_id')).toBe('Partner');
  });

  it('keeps fields added to an existing model in the module namespace, not x_ (Odoo keeps that for fields made in the UI)', () => {
    expect(extensionFieldProblem('bolt_grade', 'bolt_partner')).toBeUndefined();
    expect(extensionFieldProblem('x_grade', 'bolt_partner')).toMatch(/"bolt_"/);
    expect(extensionFieldProblem('bolt_', 'bolt_partner')).toMatch(/"bolt_"/);
    expect(extensionFieldProblem('x_grade', 'x_clinic_app')).toBeUndefined();
  });
});
