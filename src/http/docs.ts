import { Scalar } from '@scalar/hono-api-reference'
import type { Context } from 'hono'
import type { AppEnv } from './app-env'

/**
 * The interactive docs: @scalar/hono-api-reference's page, loading Scalar's browser bundle from this Worker's static
 * assets (public/scalar/, its `cdn` option), so the page needs no internet. The page starts Scalar with one inline
 * script, which the policy allows by its hash and nothing else inline; Scalar sets styles from script, so inline
 * styles stay allowed. Try-it sends to the document's first server: the origin that serves it.
 */
const policy = (scriptHash: string) =>
  [
    "default-src 'none'",
    `script-src 'self' '${scriptHash}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')

/** What the hooks below use of the browser's globals (this file is type-checked for the Worker, not for a page). */
type Page = {
  location: { hash: string }
  document: { getElementById(id: string): { scrollIntoView(options: object): void } | null }
  addEventListener(type: string, listener: () => void): void
}

// Serialised into the page as their source, so each is self-contained: no outside names, the page's globals through
// `globalThis`.
const hooks = {
  // Every POST that "try it" sends gets a fresh Idempotency-Key unless the reader typed one: a fixed example key would
  // be shared by everyone who tries, and the second person would get a 422 or someone else's replay.
  onRequestBuilt: function (context: { request?: Request }) {
    const request = context && context.request
    if (!request || request.method !== 'POST' || !request.headers) return
    if (!request.headers.get('Idempotency-Key')) request.headers.set('Idempotency-Key', crypto.randomUUID())
  },
  // error.docs links are /docs#error-<code>: the catalogue's headings carry those ids, but the page is built after load,
  // so the browser cannot scroll to them by itself. Wait for the entry, then bring it into view.
  onLoaded: function () {
    const page = globalThis as unknown as Page
    const land = () => {
      const id = decodeURIComponent(page.location.hash.slice(1))
      if (!/^error-[a-z-]+$/.test(id)) return
      let tries = 0
      const timer = setInterval(() => {
        const entry = page.document.getElementById(id)
        if (entry || ++tries > 100) clearInterval(timer)
        if (entry) entry.scrollIntoView({ block: 'start' })
      }, 100)
    }
    page.addEventListener('hashchange', land)
    land()
  },
}

const INLINE_SCRIPT = /<script type="text\/javascript">([\s\S]*?)<\/script>/

async function sha256(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))
  return `sha256-${btoa(String.fromCharCode(...digest))}`
}

export function docsPage(title: string) {
  const render = Scalar({
    pageTitle: title,
    cdn: '/scalar/standalone.js',
    url: '/openapi.json',
    theme: 'default',
    // Nothing on the page may need the internet: no hosted client, no fonts, no agent, no telemetry.
    hideClientButton: true,
    withDefaultFonts: false,
    showDeveloperTools: 'never',
    agent: { disabled: true },
    mcp: { disabled: true },
    telemetry: false,
    favicon: '/assets/favicon.svg',
    ...hooks,
  } as Parameters<typeof Scalar>[0])
  // The page is the same for every request: rendered and hashed once per isolate.
  let page: Promise<{ html: string; scriptHash: string }> | undefined
  return async (c: Context<AppEnv>) => {
    page ??= Promise.resolve(render(c as unknown as Parameters<typeof render>[0], async () => {}) as Promise<Response>).then(
      async (response) => {
        const html = await response.text()
        const script = INLINE_SCRIPT.exec(html)?.[1]
        if (script === undefined) throw new Error('the docs page has no inline script to hash')
        return { html, scriptHash: await sha256(script) }
      },
    )
    const { html, scriptHash } = await page
    c.header('Content-Security-Policy', policy(scriptHash))
    c.header('Cache-Control', 'public, max-age=300')
    return c.html(html)
  }
}
