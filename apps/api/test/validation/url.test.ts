import { describe, expect, it } from 'vitest';
import { isDnsNameOrIp, parseRegisteredUrl } from '../../src/validation/url.js';

describe('hosts a client or the configuration may name', () => {
  it.each([
    'app.example', 'localhost', 'xn--bcher-kva.example', 'a-b.c0.example', `${'a'.repeat(63)}.example`, '127.0.0.1', '[::1]', '[2001:db8::1]',
  ])('accepts %s', (host) => {
    expect(isDnsNameOrIp(host)).toBe(true);
  });

  it.each([
    '*', '*.example', 'a;b', 'a,b', 'a b', 'a_b.example', '-a.example', 'a-.example', 'a..b', 'a.b.', '', `${'a'.repeat(64)}.example`,
    `${'a.'.repeat(127)}ab`, 'a"b', "a'b", 'a$b', '[::1];x',
  ])('refuses %j', (host) => {
    expect(isDnsNameOrIp(host)).toBe(false);
  });

  it('checks the host the URL parser reads, after IDNA and lower-casing', () => {
    expect(parseRegisteredUrl('https://Bücher.EXAMPLE/x')).toBeInstanceOf(URL);
    expect(parseRegisteredUrl('https://a%3Bb.example/x')).toBe('https://a%3Bb.example/x must name its host by a DNS name (letters, digits and hyphens) or an IP address');
    expect(parseRegisteredUrl('https://u:p@app.example/x')).toBe('https://u:p@app.example/x must not contain a user name or password');
    expect(parseRegisteredUrl('javascript:alert(1)')).toBeInstanceOf(URL);
  });
});
