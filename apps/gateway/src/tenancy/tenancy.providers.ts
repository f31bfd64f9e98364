import { Provider } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { ApiKeys, apiKeysFor, Tenants } from '@bf/tenancy';
import { AuthGuard } from '../http/auth.guard';
import { PrincipalContextInterceptor } from '../http/principal';
import { ApiKeysController } from './api-keys.controller';
import { TenantsController } from './tenants.controller';

export const TENANCY_CONTROLLERS = [ApiKeysController, TenantsController];

/** API keys and tenants for the gateway, and the global guard and interceptor that authenticate every route. */
export const TENANCY_PROVIDERS: Provider[] = [
  { provide: ApiKeys, useFactory: (dataSource: DataSource, config: AppConfig) => apiKeysFor(dataSource, config), inject: [DataSource, APP_CONFIG] },
  { provide: Tenants, useFactory: (dataSource: DataSource, keys: ApiKeys) => new Tenants(dataSource, keys), inject: [DataSource, ApiKeys] },
  { provide: APP_GUARD, useClass: AuthGuard },
  { provide: APP_INTERCEPTOR, useClass: PrincipalContextInterceptor },
];
