import { inspect } from 'node:util';
import { OdooUserError } from './errors';
import { SecretScrubber } from './secret-scrubber';

describe(SecretScrubber.name, () => {
  const secret = 'p@ss<&>word';
  const scrubber = new SecretScrubber([secret, undefined, '']);

  it('masks the secret and its URL- and XML-escaped forms', () => {
    expect(scrubber.text(`a ${secret} b ${encodeURIComponent(secret)} c p@ss&lt;&amp;&gt;word`)).toBe('a *** b *** c ***');
  });

  it('rewrites message, stack and string fields of an error in place', () => {
    const error = scrubber.error(new OdooUserError('res.users.create', `bad ${secret}`, `bad ${secret}`));
    expect(error.message).toBe('res.users.create: bad ***');
    expect(JSON.stringify(error)).not.toContain(secret);
    expect(inspect(error)).not.toContain(secret);
  });
});
