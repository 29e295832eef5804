import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from './http/app-env'

// The app (and with it every zod schema of the contract) is built on the first request, not at module load:
// Workers bill and limit start-up CPU, and a cold isolate then answers its first request sooner.
let app: Promise<OpenAPIHono<AppEnv>> | undefined

export default {
  async fetch(request, env, ctx) {
    app ??= import('./app').then(({ createApp }) => createApp())
    return (await app).fetch(request, env, ctx)
  },
  async scheduled(controller, env) {
    const { runHousekeeping } = await import('./runtime/housekeeping')
    await runHousekeeping(env, controller.cron)
  },
  async queue(batch, env) {
    const { runQueue } = await import('./runtime/webhooks')
    await runQueue(batch, env)
  },
} satisfies ExportedHandler<Env>
