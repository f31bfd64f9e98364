import { Injectable } from '@nestjs/common';
import { DEFAULT_WEBSITE_TEMPLATE, resolveVariables, TemplateRegistry } from '@bf/templates';
import { ZodError } from 'zod';
import { PreflightCheck, PreflightResult, PreflightStep, PreflightSubject } from './preflight-check';

/**
 * Every website the plan generates has its template in the registry, with a
 * valid manifest that accepts the step's variables (a template can change after
 * the plan was reviewed). Runs for dry runs too: a dry run renders the template.
 */
@Injectable()
export class TemplatesCheck implements PreflightCheck {
  readonly name = 'templates';
  constructor(private readonly registry: TemplateRegistry) {}

  async run(subject: PreflightSubject): Promise<PreflightResult[]> {
    return Promise.all(subject.steps.filter((step) => step.action === 'website.generate').map((step) => this.checkOne(step)));
  }

  private async checkOne(step: PreflightStep): Promise<PreflightResult> {
    const templateId = step.templateId ?? DEFAULT_WEBSITE_TEMPLATE;
    const check = `template:${templateId}`;
    try {
      const manifest = await this.registry.find(templateId);
      if (!manifest) return { check, passed: false, detail: `template ${templateId} does not exist in the template registry` };
      const { errors } = resolveVariables(manifest.variables, step.parameters);
      if (errors.length) {
        return { check, passed: false, detail: `template ${templateId}@${manifest.version} does not accept the variables of ${step.name}: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}` };
      }
      return { check, passed: true, detail: `template ${templateId}@${manifest.version} is in the template registry and accepts the variables of ${step.name}` };
    } catch (error) {
      // find() validates the manifest: a template whose manifest broke after review is as unusable as a missing one.
      const problem = error instanceof ZodError ? error.issues.map((issue) => `${issue.path.join('.') || 'manifest'}: ${issue.message}`).join('; ') : (error as Error).message;
      return { check, passed: false, detail: `template ${templateId} has an unusable manifest.json: ${problem}` };
    }
  }
}
