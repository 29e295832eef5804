import { OpenAPIHono, type RouteConfig } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { cors as corsMiddleware } from 'hono/cors'
import { cors } from './contract/common/cors'
import { requestId } from 'hono/request-id'
import { secureHeaders } from 'hono/secure-headers'
import { REQUEST_ID_MAX_LENGTH } from './contract/common/primitives'
import { documentConfig, servedDocument } from './contract/document'
import { type OperationId, operations } from './contract/operations'
import type { AppEnv } from './http/app-env'
import { d1Bookmark } from './http/middleware/d1-bookmark'
import { notFound, onError, validationHook } from './http/errors'
import { collection } from './http/collection'
import { docsPage } from './http/docs'
import { handlers } from './http/handlers'
import { publicOrigin } from './http/public-origin'
import { handlerFor, middlewareFor } from './http/middleware/per-operation'
import { rateLimit } from './http/middleware/rate-limit'
import { publishRecordedEvents } from './http/middleware/publish-events'
import { requestLog } from './http/middleware/request-log'

// CORS_ORIGINS parsed once per isolate (per value), not on every request.
const originLists = new Map<string, Set<string>>()
function allowedOrigins(list = ''): Set<string> {
  let found = originLists.get(list)
  if (!found)
    originLists.set(
      list,
      (found = new Set(
        list
          .split(',')
          .map((origin) => origin.trim())
          .filter(Boolean),
      )),
    )
  return found
}

export function createApp() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })

  app.use('*', requestId({ headerName: 'X-Request-Id', limitLength: REQUEST_ID_MAX_LENGTH }))
  app.use('*', requestLog)
  app.use('*', secureHeaders({ crossOriginResourcePolicy: 'cross-origin' }))
  const corsPolicy = corsMiddleware({
    origin: (origin, c) => (origin && allowedOrigins(c.env.CORS_ORIGINS).has(origin) ? origin : null),
    // What the document's CORS section says (contract/common/cors.ts).
    allowMethods: [...cors.allowMethods],
    allowHeaders: [...cors.allowHeaders],
    exposeHeaders: [...cors.exposeHeaders],
    maxAge: cors.maxAge,
  })
  // Only requests with an Origin (a browser's cross-origin ones) are CORS's to answer, and of OPTIONS only real
  // preflights (a plain OPTIONS falls through to the Allow answer in notFound). The rest only say that the answer
  // varies with Origin, so no cache hands a copy made without one to a browser that sends one.
  app.use('*', async (c, next) => {
    const origin = c.req.header('Origin')
    if (origin && (c.req.method !== 'OPTIONS' || c.req.header('Access-Control-Request-Method'))) return corsPolicy(c, next)
    await next()
    c.header('Vary', 'Origin', { append: true })
  })
  app.use('/api/*', d1Bookmark)
  app.use('/api/*', rateLimit)
  app.use('/api/*', publishRecordedEvents)

  // Every operation of the registry, with the handler of the same name and the middleware its contract implies.
  for (const operationId of Object.keys(operations) as OperationId[]) {
    const route = operations[operationId]
    // The registry is a union of routes here; each handler was type-checked against its own route in http/handlers.ts.
    const bind = app.openapi.bind(app) as (route: RouteConfig, handler: (c: Context<AppEnv>) => Response | Promise<Response>) => void
    bind(
      { ...route, middleware: middlewareFor(route) },
      handlerFor(route, handlers[operationId] as (c: Context<AppEnv>) => Promise<Response>),
    )
  }

  // The served document is the one the emit script writes (both come from buildDocument()), with this deployment's
  // public origin as its server, so "try it" and generators reach the deployment that served it.
  app.get('/openapi.json', (c) => c.json(servedDocument(publicOrigin(c), c.env.ENVIRONMENT ?? 'development')))
  app.get('/docs', docsPage(documentConfig.info.title))
  app.get('/assets/collection.json', collection)

  app.notFound(notFound)
  app.onError(onError)
  return app
}
