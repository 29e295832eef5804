import type { Context } from 'hono'
import type { AppEnv } from './app-env'

/**
 * The interactive docs: Scalar's browser bundle and the page's own script, both served by this Worker's static assets
 * (public/), so the page needs no internet. The script is a file rather than inline, so the policy below can forbid
 * inline scripts altogether; Scalar sets styles from script, so inline styles stay allowed.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

const page = (title: string) => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title}</title>
    <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
  </head>
  <body>
    <div id="app"></div>
    <script src="/scalar/standalone.js"></script>
    <script src="/assets/docs.js"></script>
  </body>
</html>
`

export function docsPage(title: string) {
  const html = page(title)
  return (c: Context<AppEnv>) => {
    c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
    c.header('Cache-Control', 'public, max-age=300')
    return c.html(html)
  }
}
