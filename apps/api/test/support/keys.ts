/** Signing keys in test databases are sealed with this, so tests share no key file. */
export const TEST_KEY_ENCRYPTION_KEY = 'test-only key encryption secret, never used elsewhere';
