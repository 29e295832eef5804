import { defineConfig } from 'vitest/config'

// Tests that run in Node, not workerd: the spectral ruleset, the breaking-change gate, workflow validation.
export default defineConfig({
  test: {
    include: ['tests/node/**/*.test.ts'],
    testTimeout: 60_000,
  },
})
