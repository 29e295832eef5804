// The committed document names every environment: production first (what generators default to), staging, and the
// local `npm run dev`; each deployed one is the PUBLIC_ORIGIN its wrangler.toml environment serves under.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { document } from '../support/openapi'

const wrangler = readFileSync(new URL('../../wrangler.toml', import.meta.url), 'utf8')
const publicOrigin = (environment: string) =>
  new RegExp(`\\[env\\.${environment}\\.vars\\][^[]*?PUBLIC_ORIGIN = "([^"]+)"`).exec(wrangler)?.[1]

describe('servers', () => {
  it('lists production, staging and local, in that order, each the origin that environment serves', () => {
    expect(document.servers?.map((server) => server.url)).toEqual([
      publicOrigin('production'),
      publicOrigin('staging'),
      'http://127.0.0.1:8787',
    ])
    expect(publicOrigin('production')).toMatch(/^https:\/\//)
    expect(document.servers?.map((server) => server.description?.split(':')[0])).toEqual(['Production', 'Staging', 'Local'])
  })
})
