import { createRoute } from '@hono/zod-openapi'
import { dataResponse, listResponse, noContent } from './common/envelopes'
import { IdempotencyHeaders, locationHeader, noStoreHeader, replayedHeader, SessionHeaders } from './common/headers'
import { link } from './common/links'
import { NoQuery } from './common/query'
import { needs } from './common/security'
import { errorResponses, errors } from './errors/responses'
import { ApiKey, ApiKeyIdParams, ApiKeyListQuery, CreateApiKeyRequest, CreatedApiKey } from './schemas/api-keys'

export const apiKeyOperations = {
  createApiKey: createRoute({
    method: 'post',
    path: '/api/api-keys',
    operationId: 'createApiKey',
    tags: ['Keys'],
    summary: 'Create an API key',
    description:
      'A key for an integration that runs unattended: it acts as you, limited to its scopes, until it expires or is revoked. The answer shows the secret once; only a hash of it is kept. At most 25 active keys (409 beyond). A guest cannot create keys (403), and an API key can only create keys with scopes it holds itself (403). A key created by an API key expires no later than that key (its `expiresAt` is the earlier of the two), and is revoked with it. With a login token, the login must be of the last 5 minutes (403 REAUTHENTICATION_REQUIRED otherwise: log in again), so a stolen token cannot make itself a lasting credential.',
    security: needs('keys'),
    request: {
      query: NoQuery,
      headers: IdempotencyHeaders,
      body: { required: true, content: { 'application/json': { schema: CreateApiKeyRequest } } },
    },
    responses: {
      201: {
        ...dataResponse('CreatedApiKey', CreatedApiKey, 'Created; the secret is in `data.secret`, and only here.', {
          ...locationHeader,
          ...noStoreHeader,
          ...replayedHeader,
        }),
        links: { revokeApiKey: link('revokeApiKey', 'Revoke the created key.', { id: '$response.body#/data/id' }) },
      },
      ...errorResponses(errors.body, errors.credentials, errors.idempotency, 'CONFLICT', 'REAUTHENTICATION_REQUIRED'),
    },
  }),

  listApiKeys: createRoute({
    method: 'get',
    path: '/api/api-keys',
    operationId: 'listApiKeys',
    tags: ['Keys'],
    summary: 'List my API keys',
    description:
      'Your active keys, newest first: their names, scopes, prefixes and last four characters, never their secrets. Expired ones are listed until revoked, or until they are deleted 30 days after they expired (revoked ones likewise 30 days after revocation).',
    security: needs('keys'),
    request: { query: ApiKeyListQuery, headers: SessionHeaders },
    responses: {
      200: listResponse('ApiKey', ApiKey, 'A page of your keys.', noStoreHeader),
      ...errorResponses(errors.list, errors.credentials),
    },
  }),

  revokeApiKey: createRoute({
    method: 'delete',
    path: '/api/api-keys/{id}',
    operationId: 'revokeApiKey',
    tags: ['Keys'],
    summary: 'Revoke an API key',
    description:
      'The key stops working from the next request on (401), and so does every key it created (and every key those created). 404 when you have no such active key. No If-Match: revoking has no versions to lose, and always wins.',
    security: needs('keys'),
    request: { params: ApiKeyIdParams, query: NoQuery, headers: SessionHeaders },
    responses: {
      204: noContent('Revoked. No body.'),
      ...errorResponses(errors.input, errors.credentials, 'NOT_FOUND'),
    },
  }),
}
