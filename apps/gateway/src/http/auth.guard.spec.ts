import { basicPassword } from '../bull-board';
import { bearerToken } from './auth.guard';

describe('credentials in the Authorization header', () => {
  it('reads a bearer token, and nothing else', () => {
    expect(bearerToken('Bearer bfk_abc')).toBe('bfk_abc');
    expect(bearerToken('bearer  bfk_abc ')).toBe('bfk_abc');
    for (const header of [undefined, '', 'Bearer', 'Bearer a b', 'Basic Zm9vOmJhcg==', 'Token bfk_abc']) expect(bearerToken(header)).toBeNull();
  });

  it('reads the password of HTTP Basic (the key), whatever the user name', () => {
    expect(basicPassword(`Basic ${Buffer.from('anyone:bfk_key:with:colons').toString('base64')}`)).toBe('bfk_key:with:colons');
    expect(basicPassword(`Basic ${Buffer.from(':bfk_key').toString('base64')}`)).toBe('bfk_key');
    for (const header of [undefined, 'Basic', `Basic ${Buffer.from('no-colon').toString('base64')}`, `Basic ${Buffer.from('user:').toString('base64')}`, 'Bearer bfk_abc']) expect(basicPassword(header)).toBeNull();
  });
});
