import { z } from '@hono/zod-openapi'
import { examples, Timestamp, Uuid, visibleText } from '../common/primitives'
import { PageQuery } from '../common/query'

const KeyScope = z.enum(['read', 'write', 'keys', 'webhooks']).openapi('KeyScope', {
  description:
    'What a key may do: `read` (read your profile), `write` (create, change and delete users and posts), `keys` (manage API keys), `webhooks` (manage webhook endpoints and read their deliveries).',
  example: 'read',
})

const exampleKey = {
  id: '6f1d3c2b-9a8e-4f7d-b6c5-d4e3f2a1b0c9',
  name: 'Nightly sync',
  prefix: 'cfak_A1b2C3',
  last4: 'x9Z8',
  scopes: ['read'],
  createdAt: examples.time,
  expiresAt: '2027-02-23T09:30:00.000Z',
  lastUsedAt: null,
}

const keyFields = {
  id: Uuid.openapi({ example: exampleKey.id }),
  name: visibleText(1, 100).openapi({ example: exampleKey.name, description: 'Your name for the key, to tell it apart.' }),
  prefix: z
    .string()
    .max(16)
    .openapi({ example: exampleKey.prefix, description: 'The start of the key: its `cfak_` prefix and six characters.' }),
  last4: z.string().length(4).openapi({ example: exampleKey.last4, description: 'The last four characters of the key.' }),
  scopes: z.array(KeyScope).min(1).max(4).openapi({ example: exampleKey.scopes }),
  createdAt: Timestamp.openapi({ example: examples.time }),
  expiresAt: Timestamp.nullable().openapi({
    example: exampleKey.expiresAt,
    description: 'When it stops working; null: never (until revoked).',
  }),
  lastUsedAt: Timestamp.nullable().openapi({
    example: null,
    description: 'When it was last used, to the minute; null: never. Recorded just after each use.',
  }),
}

export const ApiKey = z.object(keyFields).openapi('ApiKey', {
  description: 'An API key as listed: never its secret, which only the answer that created it shows.',
  example: exampleKey,
})

const exampleSecret = 'cfak_4Kq9ZtM2xYv7LwB3nR8sPc1DfG6hJ0aE5uQiWoT2yXbN9mVkR3s'

export const CreatedApiKey = z
  .object({
    ...keyFields,
    secret: z.string().max(64).openapi({
      example: exampleSecret,
      description:
        'The key itself: send it as `Authorization: Bearer <secret>`. Shown this once and stored nowhere: keep it in a secret store.',
    }),
  })
  .openapi('CreatedApiKey', { example: { ...exampleKey, secret: exampleSecret } })

export const CreateApiKeyRequest = z
  .strictObject({
    name: keyFields.name,
    scopes: z
      .array(KeyScope)
      .min(1)
      .max(4)
      .refine((scopes) => new Set(scopes).size === scopes.length, 'must not name a scope twice')
      .openapi({
        uniqueItems: true,
        example: ['read'],
        description: 'At least one. A key may only be created with scopes the credential creating it holds.',
      }),
    expiresInDays: z.int().min(1).max(366).optional().openapi({
      format: 'int32',
      example: 90,
      description:
        'Days until the key expires (1..366); without it, it lasts until revoked. A key created by an API key expires no later than that key, whatever this says.',
    }),
  })
  .openapi('CreateApiKeyRequest', { example: { name: 'Nightly sync', scopes: ['read'], expiresInDays: 90 } })

/** Newest first, the one order: a user has a few dozen keys at most. */
export const ApiKeyListQuery = z.strictObject({ page: PageQuery.page, pageSize: PageQuery.pageSize, cursor: PageQuery.cursor })

export const ApiKeyIdParams = z.object({
  id: Uuid.openapi({
    param: { name: 'id', in: 'path', required: true },
    description: 'API key id (UUID). Replace the example with `data.id` of GET /api/api-keys or of the key you created.',
    example: exampleKey.id,
  }),
})
