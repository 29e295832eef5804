import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'

// Workers tests: the real Worker in workerd, with a local D1 migrated from migrations/ by tests/worker/setup.ts.
// A test-only secret; real ones come from .dev.vars or `wrangler secret put`. Also put in process.env, where wrangler
// looks for the secrets that wrangler.toml requires (otherwise it warns, once per test file, that JWT_SECRET is missing).
const JWT_SECRET = 'test-secret-0123456789abcdef0123456789abcdef'
process.env.JWT_SECRET = JWT_SECRET

export default defineConfig(async () => {
  const migrations = await readD1Migrations('migrations')
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          // Tests drive the queue handler themselves (tests/worker/webhooks.test.ts): what requests send goes to a queue no
          // consumer reads, so no delivery runs behind a test's back.
          queueProducers: { WEBHOOK_QUEUE: 'webhooks-test-sink' },
          bindings: {
            TEST_MIGRATIONS: migrations,
            ENVIRONMENT: 'test',
            LOG_LEVEL: 'error',
            JWT_SECRET,
            WEBHOOK_RETRY_SCHEDULE: '1,2,3',
            // Property-based tests, about 3,200 requests by default: PROPERTY_RUNS=1000 npm run test:workers for a larger run;
            // PROPERTY_SEED to replay one.
            PROPERTY_RUNS: process.env.PROPERTY_RUNS ?? '80',
            PROPERTY_SEED: process.env.PROPERTY_SEED ?? '20261125',
          },
        },
      }),
    ],
    test: {
      include: ['tests/worker/**/*.test.ts'],
      setupFiles: ['tests/worker/setup.ts'],
      testTimeout: 30_000,
      coverage: {
        // istanbul instruments the source, which works inside workerd (v8 coverage does not).
        provider: 'istanbul' as const,
        include: ['src/**/*.ts'],
        reporter: ['text-summary', 'text', 'html', 'json-summary'],
        thresholds: { statements: 90, branches: 80, functions: 90, lines: 90 },
      },
    },
  }
})
