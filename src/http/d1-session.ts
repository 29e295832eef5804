import { createMiddleware } from 'hono/factory'
import type { AppEnv } from './app-env'
import { usedDeps } from './composition'

/** Hands the client the D1 session bookmark of its request, to send back as X-D1-Bookmark next time. */
export const sessionBookmark = createMiddleware<AppEnv>(async (c, next) => {
  await next()
  const bookmark = usedDeps(c)?.session.getBookmark()
  if (bookmark) c.res.headers.set('X-D1-Bookmark', bookmark)
})
