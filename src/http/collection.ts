import type { Context } from 'hono'
import type { AppEnv } from './app-env'
import { publicOrigin } from './public-origin'

// Written from the document by scripts/emit-collection.ts; a static asset, read here through the assets binding.
const TEMPLATE = '/assets/collection.template.json'

type Collection = { variable?: Array<{ key: string; value: string }> }

/**
 * The Postman collection, with this deployment's public origin as its `baseUrl`, so it runs as downloaded wherever it
 * was downloaded from (development: the origin serving the request, as for the served document).
 */
export async function collection(c: Context<AppEnv>) {
  const template = await c.env.ASSETS.fetch(new URL(TEMPLATE, c.req.url))
  if (!template.ok) throw new Error(`${TEMPLATE} is missing from the static assets (${template.status})`)
  const body = (await template.json()) as Collection
  for (const variable of body.variable ?? []) if (variable.key === 'baseUrl') variable.value = publicOrigin(c)
  c.header('Cache-Control', 'public, max-age=300')
  // A download, named for what it is: Postman and Bruno import it as is.
  c.header('Content-Disposition', 'attachment; filename="contract-first-api.postman_collection.json"')
  return c.json(body)
}
