import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { rootLogger } from '@bf/observability';
import { EmbeddedDnsServer } from './embedded-dns.server';
import { PgZoneLookup } from './zone-lookup';

/**
 * Runs the embedded authoritative server inside the dns worker while the
 * embedded provider is configured, so what the step writes is what 127.0.0.1
 * answers. With an external provider there is nothing of ours to serve.
 */
@Injectable()
export class EmbeddedDnsServerLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: EmbeddedDnsServer | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
  ) {}

  /** The running server, or null when the embedded provider is not configured. */
  get running(): EmbeddedDnsServer | null {
    return this.server;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.dns.provider !== 'embedded') return;
    const logger = rootLogger().child({ component: 'embedded-dns' });
    const server = new EmbeddedDnsServer(new PgZoneLookup(this.dataSource), {
      host: this.config.dns.serverHost,
      port: this.config.dns.serverPort,
      onError: (error) => logger.warn({ err: error.message }, 'embedded DNS server: query failed'),
    });
    const { host, port } = await server.start();
    this.server = server;
    logger.info({ host, port }, 'embedded DNS server listening (UDP and TCP)');
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    await server?.stop();
  }
}
