import { describe, expect, it } from 'vitest';
import { ACR, ACR_VALUES_SUPPORTED, acrOf, reaches, requestedAcr, withSecondFactor } from '../../../src/oauth/authorization/acr.js';

/*
 * Authentication context classes (OIDC Core §2 `acr`, §3.1.2.1 `acr_values`)
 * from a session's RFC 8176 methods: which class a session reaches, which one
 * a request asks for, and what a second factor adds.
 */

const PHR = ACR.phishingResistant;
const MFA = ACR.mfa;
const PASSWORD = ACR.password;

describe('authentication context classes', () => {
  it('advertises the three classes, strongest first', () => {
    expect(ACR_VALUES_SUPPORTED).toEqual(['phr', 'http://schemas.openid.net/pape/policies/2007/06/multi-factor', 'urn:tollgate:acr:password']);
  });

  it('rates a session by its methods: a password alone, a second factor, a key held by the user', () => {
    expect(acrOf([])).toBe(PASSWORD);
    expect(acrOf(['pwd'])).toBe(PASSWORD);
    // A key without `mfa` is one factor: the methods say what was proven, `mfa` that there were two.
    expect(acrOf(['hwk'])).toBe(PASSWORD);
    expect(acrOf(['pwd', 'otp', 'mfa'])).toBe(MFA);
    expect(acrOf(['pwd', 'hwk', 'mfa'])).toBe(PHR);
    expect(acrOf(['swk', 'user', 'mfa'])).toBe(PHR);
  });

  it('takes the weakest class a request names that it knows, and none when it knows none', () => {
    expect(requestedAcr(undefined)).toBeNull();
    expect(requestedAcr([])).toBeNull();
    expect(requestedAcr(['urn:other:acr', '0'])).toBeNull();
    expect(requestedAcr([PHR])).toBe(PHR);
    expect(requestedAcr([PHR, MFA])).toBe(MFA);
    expect(requestedAcr(['urn:other:acr', MFA, PHR])).toBe(MFA);
    expect(requestedAcr([MFA, PASSWORD, PHR])).toBe(PASSWORD);
    // Names every object has are not classes: `toString` first must not hide the class after it.
    expect(requestedAcr(['toString', 'constructor', PHR])).toBe(PHR);
    expect(requestedAcr(['__proto__'])).toBeNull();
  });

  it('says whether a session reaches a class: its own and every weaker one', () => {
    const password = ['pwd'];
    const otp = ['pwd', 'otp', 'mfa'];
    const key = ['pwd', 'hwk', 'mfa'];
    expect([reaches(password, PASSWORD), reaches(password, MFA), reaches(password, PHR)]).toEqual([true, false, false]);
    expect([reaches(otp, PASSWORD), reaches(otp, MFA), reaches(otp, PHR)]).toEqual([true, true, false]);
    expect([reaches(key, PASSWORD), reaches(key, MFA), reaches(key, PHR)]).toEqual([true, true, true]);
    // A class we do not know asks for nothing more than a signed-in user.
    expect(reaches(password, 'urn:other:acr')).toBe(true);
    expect(reaches(password, 'toString')).toBe(true);
  });

  it('adds a second factor\'s methods and `mfa` to a session\'s, each once, in order', () => {
    expect(withSecondFactor(['pwd'], ['otp'])).toEqual(['pwd', 'otp', 'mfa']);
    expect(withSecondFactor(['pwd', 'otp', 'mfa'], ['hwk', 'user'])).toEqual(['pwd', 'otp', 'mfa', 'hwk', 'user']);
    expect(withSecondFactor(['pwd'], ['pwd'])).toEqual(['pwd', 'mfa']);
  });
});
