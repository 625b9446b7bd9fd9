import { defineConfig } from 'vitest/config';

// One `vitest run` for every workspace; each project keeps its own config beside its code.
export default defineConfig({
  test: {
    projects: ['apps/api', 'apps/console', 'packages/*'],
  },
});
