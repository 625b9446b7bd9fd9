import { describe, expect, it } from 'vitest';
import { isAllowedHost } from '../../src/outbound/allowed-hosts.js';

describe('isAllowedHost', () => {
  const allowed = [{ host: 'localhost', port: 8443 }, { host: '[::1]', port: null }, { host: 'metadata.test', port: 80 }];

  it.each([
    'https://localhost:8443/doc', 'http://localhost:8443/', 'https://[::1]/', 'http://[0::1]:1234/', 'http://metadata.test/', 'https://metadata.test:80/',
  ])('allows %s', (url) => {
    expect(isAllowedHost(new URL(url), allowed)).toBe(true);
  });

  it.each([
    'https://localhost/doc', 'https://localhost:8444/', 'https://localhost.:8443/', 'https://127.0.0.1:8443/', 'https://metadata.test/',
    'https://sub.metadata.test:80/', 'https://[::2]/',
  ])('refuses %s', (url) => {
    expect(isAllowedHost(new URL(url), allowed)).toBe(false);
  });
});
