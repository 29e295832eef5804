import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../app-env'
import { usedRequestDeps } from '../../runtime/composition'

/** Hands the client the D1 session bookmark of its request, to send back as X-D1-Bookmark next time. */
export const d1Bookmark = createMiddleware<AppEnv>(async (c, next) => {
  await next()
  const bookmark = usedRequestDeps(c)?.session.getBookmark()
  if (bookmark) c.res.headers.set('X-D1-Bookmark', bookmark)
})
