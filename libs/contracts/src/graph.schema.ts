import { z } from 'zod';
import { StepActionSchema } from './plan.schema';

/** Seed 001 ExecutionNodeSpec: one node of a client-supplied execution graph. */
export const ExecutionNodeSpecSchema = z
  .object({
    node_id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/),
    node_type: StepActionSchema,
    depends_on: z.array(z.string()).default([]),
    executor_params: z.record(z.unknown()).default({}),
    critical: z.boolean().default(true),
  })
  .strict();
export type ExecutionNodeSpec = z.infer<typeof ExecutionNodeSpecSchema>;

/** Seed 001 ExecutionGraphSpec. */
export const ExecutionGraphSpecSchema = z
  .object({
    graph_id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/),
    business_intent_id: z.string().min(1),
    nodes: z.array(ExecutionNodeSpecSchema).min(1).max(200),
    dry_run: z.boolean().default(true),
    auto_rollback: z.boolean().default(true),
    stop_on_first_error: z.boolean().default(true),
  })
  .strict();
export type ExecutionGraphSpec = z.infer<typeof ExecutionGraphSpecSchema>;
