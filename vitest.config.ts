import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string): string => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

// Tests run against the sources; `tsc -b` (part of `npm test`) checks that the same sources build.
export default defineConfig({
  resolve: {
    alias: [
      ...['core', 'browser', 'node', 'react', 'redis', 'dev-server'].map((pkg) => ({ find: new RegExp(`^@audience/${pkg}$`), replacement: src(pkg) })),
    ],
  },
  test: {
    setupFiles: ['./vitest.setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      ...['core', 'browser', 'node', 'react', 'redis', 'dev-server'].map((name) => ({
        extends: true as const,
        test: { name, include: [`packages/${name}/test/**/*.test.ts`] },
      })),
      { extends: true as const, test: { name: 'examples', include: ['examples/test/**/*.test.ts'] } },
    ],
  },
});
