import { InTotoStatement, inTotoStatement } from '@bf/contracts';

/** Names the kind of build the forge's provenance describes. */
export const PLUGIN_FORGE_BUILD_TYPE = 'https://business-factory.dev/plugin-forge/v1';
export const PLUGIN_FORGE_BUILDER_ID = 'https://business-factory.dev/plugin-forge/forge-sign';

export interface PluginProvenanceInput {
  zipName: string;
  zipSha256: string;
  tenantId: string;
  forgeJobId: string;
  packageId: string;
  templateId: string;
  templateVersion: string;
  generatorVersion: string;
  parametersSha256: string;
  outputSha256: string;
  cms: string;
  slug: string;
  version: string;
}

/**
 * The in-toto Statement v1 (SLSA provenance v1 predicate) that forge-sign signs
 * for a package, in the same DSSE format as evidence packs: the subject is the
 * ZIP, the parameters are named by hash (they may hold anything the requester typed).
 */
export function pluginStatement(input: PluginProvenanceInput): InTotoStatement {
  return inTotoStatement([{ name: input.zipName, sha256: input.zipSha256 }], {
    buildDefinition: {
      buildType: PLUGIN_FORGE_BUILD_TYPE,
      externalParameters: { template: input.templateId, template_version: input.templateVersion, parameters_sha256: input.parametersSha256, cms: input.cms, slug: input.slug, version: input.version },
      internalParameters: { generator: input.generatorVersion, output_sha256: input.outputSha256, tenant_id: input.tenantId },
    },
    runDetails: { builder: { id: PLUGIN_FORGE_BUILDER_ID }, metadata: { invocationId: `${input.forgeJobId}/${input.packageId}` } },
  });
}
