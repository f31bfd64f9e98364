import { Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditLog } from './audit-log';

/**
 * Provides the process's DataSource (initialised by the caller, shared by every
 * app in start:all) and the AuditLog.
 */
@Global()
@Module({})
export class PersistenceModule {
  static forDataSource(dataSource: DataSource) {
    return {
      module: PersistenceModule,
      providers: [{ provide: DataSource, useValue: dataSource }, AuditLog],
      exports: [DataSource, AuditLog],
    };
  }
}

