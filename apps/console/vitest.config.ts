import { defineConfig, mergeConfig } from 'vitest/config';
import viteConfig from './vite.config.ts';

export default mergeConfig(
  viteConfig,
  defineConfig({
    // Resolve as Node does: without 'module-sync', react-router loads as CJS here but as ESM when
    // its own CJS requires it, and the two copies do not share the router context.
    resolve: { conditions: ['module-sync', 'node', 'development|production'] },
    test: {
      name: 'console',
      environment: 'jsdom',
      // Matches the origin the api client and the MSW handlers resolve paths against.
      environmentOptions: { jsdom: { url: 'http://localhost/' } },
      setupFiles: ['src/testing/setup.ts'],
      // Pages load lazily; on a busy machine the first render of one takes seconds.
      testTimeout: 20_000,
      include: ['src/**/*.test.{ts,tsx}'],
    },
  }),
);
