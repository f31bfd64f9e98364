/**
 * Existing Odoo models a custom module may add fields to (`extends: true`),
 * with what the generator needs to do that without guessing: the XML id of the
 * model's main form view (the inherited view hooks into it), the addon that
 * defines both (added to the manifest's `depends`, so Odoo loads it first), and
 * the currency field a monetary field can use, where the model has one.
 *
 * Every form listed here has a `<notebook>` in Odoo 17, so the generated view
 * adds one page to it. A model is added here only after checking its form in
 * that series; anything else is refused rather than rendered against a view id
 * or xpath that might not exist, which would only fail at install time.
 */
export interface ExtendableModel {
  form_view: string;
  module: string;
  currency_field?: string;
}

export const EXTENDABLE_MODELS: Readonly<Record<string, ExtendableModel>> = {
  'res.partner': { form_view: 'base.view_partner_form', module: 'base' },
  'product.template': { form_view: 'product.product_template_form_view', module: 'product', currency_field: 'currency_id' },
  'sale.order': { form_view: 'sale.view_order_form', module: 'sale', currency_field: 'currency_id' },
  'crm.lead': { form_view: 'crm.crm_lead_view_form', module: 'crm', currency_field: 'company_currency' },
  'hr.employee': { form_view: 'hr.view_employee_form', module: 'hr' },
};

/** The xpath, inside each form above, that the added page goes into. */
export const EXTENSION_XPATH = '//notebook';

export function extendableModel(name: string): ExtendableModel | undefined {
  return Object.prototype.hasOwnProperty.call(EXTENDABLE_MODELS, name) ? EXTENDABLE_MODELS[name] : undefined;
}
