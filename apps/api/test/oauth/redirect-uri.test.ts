import { describe, expect, it } from 'vitest';
import { redirectUriProblem, webUrlProblem } from '../../src/oauth/helpers/redirect-uri.js';

describe('redirect URI registration (SECURITY 5)', () => {
  it.each([
    'https://app.example/cb',
    'https://app.example:8443/cb?tenant=1',
    'http://localhost:8080/cb',
    'http://127.0.0.1/cb',
    'http://[::1]:5000/cb',
  ])('accepts %s', (uri) => {
    expect(redirectUriProblem(uri)).toBeNull();
  });

  it.each([
    ['/cb', 'is not an absolute URL'],
    ['https://app.example/cb#frag', 'must not have a fragment'],
    ['https://app.example/cb#', 'must not have a fragment'],
    ['https://user:pw@app.example/cb', 'must not contain a user name or password'],
    ['http://app.example/cb', 'must use https (http is allowed only for localhost and loopback addresses)'],
    ['javascript:alert(1)', 'must use https'],
    ['data:text/html,hi', 'must use https'],
    ['com.example.app:/cb', 'must use https'],
  ])('refuses %s', (uri, message) => {
    expect(redirectUriProblem(uri)).toBe(`${uri} ${message}`);
  });
});

describe('site and logo URLs', () => {
  it('accept http(s) and refuse script URLs', () => {
    expect(webUrlProblem('https://app.example/logo.png')).toBeNull();
    expect(webUrlProblem('javascript:alert(1)')).toBe('javascript:alert(1) must be an http or https URL');
  });
});
