import { DynamicModule, Global, Module } from '@nestjs/common';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '@bf/config';
import { AuditLog } from '@bf/persistence';
import { JobProducer, ProgressPublisher } from '@bf/queue';
import { Runtime } from './runtime';

/** Injection token for the shared producer Redis connection. */
export const REDIS = Symbol('REDIS');

/** Makes a Runtime's resources injectable in any app module. */
@Global()
@Module({})
export class CoreModule {
  static forRuntime(runtime: Runtime): DynamicModule {
    const providers = [
      { provide: Runtime, useValue: runtime },
      { provide: APP_CONFIG, useValue: runtime.config },
      { provide: DataSource, useValue: runtime.dataSource },
      { provide: REDIS, useValue: runtime.redis },
      { provide: JobProducer, useValue: runtime.producer },
      { provide: ProgressPublisher, useValue: runtime.progress },
      AuditLog,
    ];
    return { module: CoreModule, providers, exports: providers.map((p) => ('provide' in p ? p.provide : p)) };
  }
}

export type { Redis };
