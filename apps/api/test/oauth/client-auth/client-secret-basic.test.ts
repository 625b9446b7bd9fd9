import { describe, expect, it } from 'vitest';
import { InvalidClient } from '../../../src/oauth/errors.js';
import { readBasicCredentials } from '../../../src/oauth/client-auth/client-secret-basic.js';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** Why the header was refused (the log-only detail), after checking the refusal's public shape. */
function refusal(header: string): string {
  try {
    readBasicCredentials(header);
  } catch (error) {
    if (!(error instanceof InvalidClient)) throw error;
    expect(error.body).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed.' });
    expect(error.headers['WWW-Authenticate']).toBe('Basic realm="tollgate", charset="UTF-8"');
    return error.detail!;
  }
  throw new Error(`accepted ${header}`);
}

describe('client_secret_basic (RFC 6749 §2.3.1)', () => {
  it('reads no header as no Basic credentials', () => {
    expect(readBasicCredentials(undefined)).toBeNull();
  });

  it('reads the id and secret, the scheme in any case, undoing form-URL-encoding only where there is some', () => {
    expect(readBasicCredentials(`Basic ${b64('app:s3cret')}`)).toEqual({ clientId: 'app', secret: 's3cret' });
    expect(readBasicCredentials(`bAsIc   ${b64('app:s3cret')}  `)).toEqual({ clientId: 'app', secret: 's3cret' });
    expect(readBasicCredentials(`Basic ${b64('my%20app:a%3Ab%25c')}`)).toEqual({ clientId: 'my app', secret: 'a:b%c' });
    expect(readBasicCredentials(`Basic ${b64('my+app:a+b')}`)).toEqual({ clientId: 'my app', secret: 'a b' });
    expect(readBasicCredentials(`Basic ${b64('app:a+b%2B')}`)).toEqual({ clientId: 'app', secret: 'a b+' });
    // Only the first colon separates: the rest belongs to the secret.
    expect(readBasicCredentials(`Basic ${b64('app:a:b:')}`)).toEqual({ clientId: 'app', secret: 'a:b:' });
    expect(readBasicCredentials(`Basic ${b64('app:')}`)).toEqual({ clientId: 'app', secret: '' });
    expect(readBasicCredentials(`Basic ${b64('ap:x')}`)).toEqual({ clientId: 'ap', secret: 'x' });
    expect(readBasicCredentials(`Basic ${b64('a:xy')}`)).toEqual({ clientId: 'a', secret: 'xy' });
  });

  it('refuses anything else with invalid_client and a Basic challenge, saying why only in the log', () => {
    expect(refusal(`Bearer ${b64('app:s')}`)).toBe('Authorization header is not Basic');
    expect(refusal(`Basicx ${b64('app:s')}`)).toBe('Authorization header is not Basic');
    expect(refusal('')).toBe('Authorization header is not Basic');
    expect(refusal(`Digest Basic ${b64('app:s')}`)).toBe('Authorization header is not Basic');
    expect(refusal(`Basic ${b64('app:s')} extra`)).toBe('Authorization header is not Basic');
    expect(refusal('Basic')).toBe('Basic credentials are empty');
    expect(refusal('Basic   ')).toBe('Basic credentials are empty');
    expect(refusal('Basic YXBwOnM')).toBe('Basic credentials are not base64');
    expect(refusal('Basic YXBwOnM*')).toBe('Basic credentials are not base64');
    expect(refusal('Basic =YXBwOnM')).toBe('Basic credentials are not base64');
    expect(refusal('Basic YXBw===')).toBe('Basic credentials are not base64');
    expect(refusal('Basic YXBw====')).toBe('Basic credentials are not base64');
    expect(refusal('Basic YX==YXBw')).toBe('Basic credentials are not base64');
    expect(refusal(`Basic ${b64('app-s3cret')}`)).toBe('Basic credentials have no colon');
    expect(refusal(`Basic ${b64('app%:s')}`)).toBe('Basic credentials are not form-URL-encoded');
    expect(refusal(`Basic ${b64('app:%E0%A4%A')}`)).toBe('Basic credentials are not form-URL-encoded');
    expect(refusal(`Basic ${b64(':s3cret')}`)).toBe('Basic credentials have no client id');
    expect(refusal(`Basic ${b64('%00:s')}`)).toBe('Basic credentials hold NUL or an unpaired surrogate');
    expect(refusal(`Basic ${b64('app:%00')}`)).toBe('Basic credentials hold NUL or an unpaired surrogate');
    expect(refusal(`Basic ${b64('app:%ED%A0%80')}`)).toBe('Basic credentials are not form-URL-encoded');
  });
});
