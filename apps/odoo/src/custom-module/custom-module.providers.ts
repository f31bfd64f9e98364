import { Injectable, Logger, OnModuleInit, Provider } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { CustomModuleGenerator } from './custom-module.generator';

/** One generator per worker, so the templates are read and compiled once. */
export const CUSTOM_MODULE_GENERATOR_PROVIDER: Provider = {
  provide: CustomModuleGenerator,
  useFactory: (config: AppConfig) => new CustomModuleGenerator(config.storage.templatesDir),
  inject: [APP_CONFIG],
};

/**
 * Loads the Odoo module templates at boot: a broken template rejects module
 * init with a TemplateLoadError naming the file, so the worker refuses to
 * start instead of failing the first custom-module step of some later run.
 */
@Injectable()
export class CustomModuleTemplatesCheck implements OnModuleInit {
  private readonly logger = new Logger(CustomModuleTemplatesCheck.name);

  constructor(private readonly generator: CustomModuleGenerator) {}

  async onModuleInit(): Promise<void> {
    const templates = await this.generator.load();
    this.logger.log(`Odoo module template ${templates.manifest.template_id}@${templates.manifest.version} valid (${templates.manifest.files.length} files, Odoo ${templates.manifest.odoo_series})`);
  }
}
