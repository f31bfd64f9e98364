import { UnrecoverableError } from 'bullmq';
import { BusinessIntentInput, BusinessIntentInputSchema, jobDefinition } from '@bf/contracts';
import { IntentProcessor } from './intent.processor';

const processor = new IntentProcessor();
const run = (input: BusinessIntentInput) => processor.resolveIntent({ tenantId: 'tenant_1', input: BusinessIntentInputSchema.parse(input) });

describe(IntentProcessor.name, () => {
  it('answers intent.resolve with the intent and the briefing composed from it, as the job catalogue says', async () => {
    const result = await run({ vision: 'Ich möchte eine IT-Beratung in Berlin gründen, mit Projektabrechnung für Mittelständler' });
    expect(jobDefinition('intent', 'intent.resolve')!.result.parse(result)).toEqual(result);
    expect(result.briefing.business_name).toBe(result.intent.suggested_business_name);
  });

  it.each([
    ['an unsupported region', { vision: 'A bakery', region: 'Atlantis' }, /^unsupported region 'Atlantis'/],
    ['a missing region', { vision: 'A bakery with fresh bread every morning' }, /^region is required/],
  ])('fails %s permanently, so BullMQ does not retry it', async (_, input, message) => {
    const failure = run(input);
    await expect(failure).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(failure).rejects.toThrow(message);
  });
});
