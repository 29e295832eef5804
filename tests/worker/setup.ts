import { applyD1Migrations, env } from 'cloudflare:test'
import { afterAll, expect } from 'vitest'
import { bodies, PASSWORD } from './support/api'

// Setup files may run more than once; applyD1Migrations skips what is already applied.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS)

// Every response body a test file received is scanned: no password and no hash ever leaves the Worker.
afterAll(() => {
  const leaks = bodies.filter((body) => body.includes(PASSWORD) || body.includes('pbkdf2-sha256$') || body.includes('password_hash'))
  expect(leaks, 'a response carried a password or a password hash').toEqual([])
})
