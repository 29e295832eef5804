import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'

// Workers tests: the real Worker in workerd, with a local D1 migrated from migrations/ by tests/worker/setup.ts.
export default defineConfig(async () => {
  const migrations = await readD1Migrations('migrations')
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            ENVIRONMENT: 'test',
            LOG_LEVEL: 'error',
            // A test-only secret; real ones come from .dev.vars or `wrangler secret put`.
            JWT_SECRET: 'test-secret-0123456789abcdef0123456789abcdef',
          },
        },
      }),
    ],
    test: {
      include: ['tests/worker/**/*.test.ts'],
      setupFiles: ['tests/worker/setup.ts'],
      testTimeout: 30_000,
    },
  }
})
