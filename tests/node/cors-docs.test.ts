// CORS is described in the document (and so on the docs page, which renders its description): which origins, how to
// add one locally (.dev.vars, a restart, the whole list) and per environment, and the very lists the app sends.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { cors } from '../../src/contract/common/cors'
import { document } from '../support/openapi'

const wrangler = readFileSync(new URL('../../wrangler.toml', import.meta.url), 'utf8')
const description = document.info.description ?? ''
const section = description.slice(description.indexOf('## CORS'), description.indexOf('\n## ', description.indexOf('## CORS') + 1))

describe('the CORS section of the document', () => {
  it('is there, and says how to add an origin locally and in each environment', () => {
    expect(section).toMatch(/^## CORS/)
    for (const text of [
      'CORS_ORIGINS',
      '.dev.vars',
      '**restart**',
      '**replaces the whole list**',
      '[env.staging.vars]',
      '[env.production.vars]',
    ])
      expect(section).toContain(text)
    expect(section).toContain(`CORS_ORIGINS=http://localhost:5173,${cors.developmentOrigins.join(',')}`)
  })

  it("names the development origins wrangler.toml lists, and every header and method the app's CORS answers carry", () => {
    expect(/^\[vars\][^[]*?CORS_ORIGINS = "([^"]+)"/m.exec(wrangler)?.[1]).toBe(cors.developmentOrigins.join(','))
    for (const name of [...cors.allowMethods, ...cors.allowHeaders, ...cors.exposeHeaders]) expect(section).toContain(`\`${name}\``)
  })
})
