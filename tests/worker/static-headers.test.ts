// Static assets are served without the Worker (run_worker_first in wrangler.toml), so public/_headers gives them the
// security headers the Worker's own answers carry.
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { call } from './support/api'

const securityHeaders = [
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'referrer-policy',
  'strict-transport-security',
  'x-content-type-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
]

describe('static assets', () => {
  it.each(['/llms.txt', '/assets/favicon.svg'])('%s carries the security headers of the Worker’s answers', async (path) => {
    const fromWorker = await call('/api/users')
    const asset = await env.ASSETS.fetch(`http://api.test${path}`)
    expect(asset.status).toBe(200)
    for (const name of securityHeaders) {
      expect(fromWorker.headers.get(name), name).not.toBeNull()
      expect(asset.headers.get(name), name).toBe(fromWorker.headers.get(name))
    }
  })
})
