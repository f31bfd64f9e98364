import { Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { AuditLog } from '@bf/persistence';
import { TenantSecrets } from '@bf/tenancy';
import { SecretsController } from './secrets.controller';

export const SECRETS_CONTROLLERS = [SecretsController];

/** The tenant secret store for the gateway's routes and the preflight's secret_ref and odoo checks. */
export const SECRETS_PROVIDERS: Provider[] = [
  { provide: TenantSecrets, useFactory: (dataSource: DataSource, config: AppConfig, audit: AuditLog) => new TenantSecrets(dataSource, config, audit), inject: [DataSource, APP_CONFIG, AuditLog] },
];
