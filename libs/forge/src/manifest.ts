import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

const ParameterSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_]*$/),
    type: z.literal('string'),
    required: z.boolean(),
    default: z.string().optional(),
    min_length: z.number().int().min(0).optional(),
    max_length: z.number().int().min(1).default(200),
    pattern: z.string().optional(),
    description: z.string().optional(),
  })
  .strict();
export type PluginTemplateParameter = z.infer<typeof ParameterSchema>;

export const PLUGIN_CMS = ['wordpress', 'woocommerce'] as const;
export type PluginCms = (typeof PLUGIN_CMS)[number];

/** templates/plugins/<template>/manifest.json. Paths and hook names may use the parameters ({{slug}}). */
export const PluginTemplateManifestSchema = z
  .object({
    template_id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
    version: z.string().regex(/^\d+\.\d+\.\d+$/),
    type: z.literal('plugin'),
    cms: z.enum(PLUGIN_CMS),
    name: z.string().min(1),
    description: z.string().min(1),
    main_file: z.string().min(1),
    files: z.record(z.string().min(1)),
    required_hooks: z.array(z.string().min(1)),
    parameters: z.array(ParameterSchema).min(1),
  })
  .strict();
export type PluginTemplateManifest = z.infer<typeof PluginTemplateManifestSchema>;

export function pluginTemplatesDir(templatesDir: string): string {
  return join(templatesDir, 'plugins');
}

/** Reads and validates one template's manifest; undefined when there is no such template. */
export async function readPluginManifest(templatesDir: string, templateId: string): Promise<PluginTemplateManifest | undefined> {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(templateId)) return undefined;
  const raw = await readFile(join(pluginTemplatesDir(templatesDir), templateId, 'manifest.json'), 'utf8').catch(() => undefined);
  if (raw === undefined) return undefined;
  const parsed = PluginTemplateManifestSchema.safeParse(JSON.parse(raw));
  if (!parsed.success) throw new Error(`templates/plugins/${templateId}/manifest.json is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

export async function listPluginTemplates(templatesDir: string): Promise<PluginTemplateManifest[]> {
  const entries = await readdir(pluginTemplatesDir(templatesDir), { withFileTypes: true }).catch(() => []);
  const manifests = await Promise.all(entries.filter((entry) => entry.isDirectory()).map((entry) => readPluginManifest(templatesDir, entry.name)));
  return manifests.filter((manifest): manifest is PluginTemplateManifest => manifest !== undefined).sort((a, b) => a.template_id.localeCompare(b.template_id));
}
