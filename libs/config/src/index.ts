export * from './app-config';
export * from './config.module';
export * from './development-master-key';
export * from './sealed-box';
