export * from './custom-module.generator';
export * from './spec-validator';
export * from './module-templates';
export * from './module-template.schema';
export * from './module-zip';
export * from './odoo-names';
export * from './escaping';
