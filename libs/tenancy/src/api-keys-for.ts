import { DataSource } from 'typeorm';
import type { AppConfig } from '@bf/config';
import { ApiKeys } from './api-keys';
import { Tenants } from './tenants';

/** The API keys of this deployment, hashed under its configured pepper. */
export function apiKeysFor(dataSource: DataSource, config: Pick<AppConfig, 'tenancy'>): ApiKeys {
  return new ApiKeys(dataSource, { pepper: config.tenancy.apiKeyPepper?.reveal() ?? null });
}

/** Tenants of this deployment, issuing first admin keys through `apiKeysFor`. */
export function tenantsFor(dataSource: DataSource, config: Pick<AppConfig, 'tenancy'>): Tenants {
  return new Tenants(dataSource, apiKeysFor(dataSource, config));
}
