import { BadRequestException, Injectable } from '@nestjs/common';
import { Briefing, FieldError } from '@bf/contracts';
import { resolveVariables, TemplateRegistry, websiteVariables } from '@bf/templates';

/**
 * Checks at planning time that the briefing's website template exists and that
 * the briefing gives it valid variables, so a bad template fails as a 400 now and
 * not as a failed step later.
 */
@Injectable()
export class TemplateCheckService {
  constructor(private readonly registry: TemplateRegistry) {}

  async assertUsable(briefing: Briefing): Promise<void> {
    const site = briefing.website_config;
    if (!site) return;
    const manifest = await this.registry.find(site.template);
    if (!manifest) {
      const available = (await this.registry.list()).map((template) => template.template_id);
      throw this.invalid([{ path: 'website_config.template', message: `unknown template '${site.template}'; available: ${available.join(', ')}` }]);
    }
    const { errors } = resolveVariables(manifest.variables, websiteVariables(briefing));
    if (errors.length) throw this.invalid(errors.map((error) => ({ path: `website_config.template(${site.template}).${error.path}`, message: error.message })));
  }

  private invalid(details: FieldError[]) {
    return new BadRequestException({ message: `invalid briefing: ${details.length} problem(s)`, details });
  }
}
