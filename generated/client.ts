// The typed client: openapi-fetch over the generated paths. Tests, the smoke script and integrators use it.
import createClient from 'openapi-fetch'
import type { ClientOptions } from 'openapi-fetch'
import type { components, paths } from './schema.js'

export type { components, operations, paths } from './schema.js'
export type Schemas = components['schemas']

export interface ApiClientOptions {
  /** Where the API lives, e.g. http://127.0.0.1:8787 */
  baseUrl: string
  /** Sent as `Authorization: Bearer <token>` on every request. */
  token?: string
  /** A fetch to use instead of the global one (tests pass the Worker's own). */
  fetch?: ClientOptions['fetch']
}

export function createApiClient({ baseUrl, token, fetch }: ApiClientOptions) {
  return createClient<paths>({
    baseUrl,
    ...(fetch ? { fetch } : {}),
    ...(token ? { headers: { Authorization: `Bearer ${token}` } } : {}),
  })
}

export type ApiClient = ReturnType<typeof createApiClient>
