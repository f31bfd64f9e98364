export * from './odoo-names';
export * from './xml-chars';
export * from './extendable-models';
export * from './spec-rules';
export * from './spec-validator';
