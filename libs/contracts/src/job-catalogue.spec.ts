import { ACTION_QUEUE, JOB_CATALOGUE, jobNames, stepJobId, WORKER_QUEUES } from './job-catalogue';
import { STEP_ACTIONS } from './plan.schema';

describe('JOB_CATALOGUE', () => {
  it('gives every worker service its own queue, named after the service', () => {
    expect(WORKER_QUEUES).toEqual(['intent', 'planner', 'webgen', 'dns', 'odoo', 'forge-sign', 'evidence']);
    for (const queue of WORKER_QUEUES) expect(jobNames(queue).length).toBeGreaterThan(0);
  });

  it.each(STEP_ACTIONS)('routes step action %s to a queue that has that job', (action) => {
    expect(jobNames(ACTION_QUEUE[action])).toContain(action);
  });

  it('declares a retry policy with at least one attempt and a timeout for every job', () => {
    for (const jobs of Object.values(JOB_CATALOGUE)) {
      for (const definition of Object.values(jobs)) {
        expect(definition.retry.attempts).toBeGreaterThanOrEqual(1);
        expect(definition.retry.timeoutMs).toBeGreaterThan(0);
      }
    }
  });

  it('rejects a step payload without its ids', () => {
    const result = JOB_CATALOGUE.webgen['website.generate'].payload.safeParse({ runId: 'run_1' });
    expect(result.success).toBe(false);
  });

  it('makes step job ids deterministic and free of colons (BullMQ forbids them)', () => {
    expect(stepJobId('run_a', 'step_b', 2)).toBe(stepJobId('run_a', 'step_b', 2));
    expect(stepJobId('run_a', 'step_b', 2)).not.toContain(':');
  });
});
