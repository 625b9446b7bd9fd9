import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Test paths are relative to the repository root, so `vitest run packages/` there selects these files.
const root = path.resolve(import.meta.dirname, '../..');

export default defineConfig({
  test: {
    name: 'express-bearer',
    dir: root,
    include: ['packages/express-bearer/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
