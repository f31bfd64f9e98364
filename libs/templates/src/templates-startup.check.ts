import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { TemplateRegistry } from './template-registry';

/**
 * Validates every website template when the app boots (gateway and webgen
 * register it). A broken manifest or template file rejects module init, so the
 * process refuses to start with a message naming the file.
 */
@Injectable()
export class TemplatesStartupCheck implements OnModuleInit {
  private readonly logger = new Logger(TemplatesStartupCheck.name);

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    const manifests = await new TemplateRegistry(this.config.storage.templatesDir).loadAll();
    this.logger.log(`${manifests.length} website template(s) valid: ${manifests.map((m) => `${m.template_id}@${m.version}`).join(', ')}`);
  }
}
