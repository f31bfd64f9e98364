import { canonicalJson, sha256Hex } from './canonical-json';
import { PlanContent } from './plan.schema';

/**
 * The canonical hash of a plan's content. Step ids are random, so they are
 * replaced by sequence numbers before hashing; statuses are run state, not
 * content. The same briefing therefore always yields the same hash.
 */
export function planHash(content: PlanContent): string {
  const sequenceOf = new Map(content.steps.map((step) => [step.step_id, step.sequence]));
  const normalised = {
    ...content,
    steps: content.steps.map(({ step_id: _id, status: _status, depends_on, ...step }) => ({
      ...step,
      depends_on: depends_on.map((id) => sequenceOf.get(id)),
    })),
  };
  return `sha256:${sha256Hex(canonicalJson(normalised))}`;
}
