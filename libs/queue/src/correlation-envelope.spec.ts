import { runWithCorrelationId } from '@bf/observability';
import { CORRELATION_ID_FIELD, takeCorrelationId, withCorrelationId } from './job-producer';

describe('the correlation envelope of job data', () => {
  const payload = { tenantId: 't', runId: 'r' };

  it('adds the current correlation id to the payload, and nothing outside a context', () => {
    expect(runWithCorrelationId('corr-9', () => withCorrelationId(payload))).toEqual({ ...payload, [CORRELATION_ID_FIELD]: 'corr-9' });
    expect(runWithCorrelationId(undefined, () => withCorrelationId(payload))).toBe(payload);
    expect(withCorrelationId(payload)).toBe(payload);
  });

  it('takes the id off again, so the payload is parsed as it was enqueued', () => {
    expect(takeCorrelationId({ ...payload, [CORRELATION_ID_FIELD]: 'corr-9' })).toEqual({ payload, correlationId: 'corr-9' });
    // A job from before correlation ids: its data is its payload.
    expect(takeCorrelationId(payload)).toEqual({ payload });
    // Job data is not trusted to hold a safe id: an unsafe one is dropped, never logged.
    expect(takeCorrelationId({ ...payload, [CORRELATION_ID_FIELD]: 'two words\n' })).toEqual({ payload, correlationId: undefined });
    expect(takeCorrelationId(null)).toEqual({ payload: null });
  });
});
