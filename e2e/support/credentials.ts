/** The administrator every e2e server is seeded with. */
export const E2E_ADMIN = { username: 'e2e-admin', password: 'e2e-admin-password' } as const;
