import { applyD1Migrations, env } from 'cloudflare:test'
import { afterAll, expect } from 'vitest'
import { bodies, PASSWORD, sentPasswords, sentTexts } from './support/api'

// Setup files may run more than once; applyD1Migrations skips what is already applied.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS)

// Every response body a test file received is scanned: no password any test sent, no hash and no secret ever leaves the Worker.
afterAll(() => {
  // A hash is recognised by its stored form; a field *name* echoed in an 'is not a field' error is no leak.
  const passwords = [...sentPasswords].filter((password) => ![...sentTexts].some((text) => text.includes(password)))
  const secrets = [PASSWORD, ...passwords, env.JWT_SECRET, 'pbkdf2-sha256$', 'password_hash']
  // JSON.stringify: a fuzzed body may hold lone surrogates, which must not reach the test runner's channel raw.
  const leaks = bodies.flatMap((body) =>
    secrets.filter((secret) => body.includes(secret)).map((secret) => JSON.stringify(`${secret.slice(0, 3)}… in ${body.slice(0, 120)}`)),
  )
  expect(leaks, 'a response carried a password, a password hash or the secret').toEqual([])
})
