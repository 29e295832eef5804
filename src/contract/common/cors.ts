/**
 * What the API answers to browsers on another origin, for the origins a deployment lists in CORS_ORIGINS: the app's
 * CORS middleware (app.ts) and the document's description both read these, so the docs say what is sent.
 */
export const cors = {
  allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
  // Every request header the contract takes, and every response header it sends, so browser clients can use them all.
  allowHeaders: ['Authorization', 'Content-Type', 'If-Match', 'If-None-Match', 'Idempotency-Key', 'X-Request-Id', 'X-D1-Bookmark'],
  exposeHeaders: ['ETag', 'Location', 'Retry-After', 'X-Request-Id', 'X-D1-Bookmark', 'Idempotent-Replayed', 'X-Cache'],
  maxAge: 600,
  /** CORS_ORIGINS in development (wrangler.toml `[vars]`): the local docs page's own origins. */
  developmentOrigins: ['http://127.0.0.1:8787', 'http://localhost:8787'],
} as const

const list = (names: readonly string[]) => names.map((name) => `\`${name}\``).join(', ')

/** The CORS section of the document's description (and so of the docs page). */
export const corsMarkdown = `## CORS: calling from a browser app on another origin
Server-to-server calls (a backend, a job, curl) need nothing. A browser only lets a page on another origin read the API's answers when the deployment lists that page's origin in its \`CORS_ORIGINS\` setting: a comma-separated list of exact origins (scheme, host and port, no path or trailing slash, no wildcards), such as \`https://app.example.com,http://localhost:5173\`. To a listed origin the API answers preflights for the methods ${list(cors.allowMethods)} and the headers ${list(cors.allowHeaders)} (cached ${cors.maxAge} s), and exposes ${list(cors.exposeHeaders)}. Credentials go in \`Authorization\`; no cookies are used. From any other origin the browser blocks the answer (fetch fails with a \`TypeError\`; the SDK rejects at once with a \`NetworkError\` whose \`reason\` is \`'cors'\`).

**Locally** (\`npm run dev\`), \`CORS_ORIGINS\` is ${list(cors.developmentOrigins)} (\`wrangler.toml\` \`[vars]\`). To add your app's origin, set it in \`.dev.vars\` and **restart** \`npm run dev\` (wrangler reads \`.dev.vars\` only when it starts). The value **replaces the whole list**, so repeat the defaults if you want to keep them:

\`\`\`
CORS_ORIGINS=http://localhost:5173,${cors.developmentOrigins.join(',')}
\`\`\`

**Staging and production**: each environment has its own list, \`CORS_ORIGINS\` under \`[env.staging.vars]\` or \`[env.production.vars]\` in \`wrangler.toml\`, live with the next \`npm run deploy:staging\` or \`npm run deploy:production\` (or set as a variable of that Worker in the Cloudflare dashboard, which a later deploy overwrites with \`wrangler.toml\`'s). Ask the API's operators to add your origin there.`
