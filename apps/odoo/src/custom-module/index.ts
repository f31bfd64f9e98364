export * from './custom-module.generator';
export * from './module-templates';
export * from './module-template.schema';
export * from './module-zip';
export * from './escaping';
export * from './addons-folder';
export * from './custom-module.providers';
