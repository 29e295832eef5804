import { createRoute } from '@hono/zod-openapi'
import { dataResponse, listResponse, noContent, notModified } from './common/envelopes'
import {
  cacheHeaders,
  etagHeader,
  IdempotencyHeaders,
  IfMatchHeaders,
  locationHeader,
  noStoreHeader,
  replayedHeader,
  SessionHeaders,
  workerCacheHeader,
} from './common/headers'
import { link } from './common/links'
import { needs } from './common/security'
import { NoQuery } from './common/query'
import { errorResponses, errors } from './errors/responses'
import { CreateUserRequest, PublicUser, ReplaceUserRequest, UpdateUserRequest, User, UserListQuery, idParams } from './schemas/users'

export const userOperations = {
  listUsers: createRoute({
    method: 'get',
    path: '/api/users',
    operationId: 'listUsers',
    tags: ['Users'],
    security: [],
    summary: 'List users',
    description: 'Public representation of every user, paginated. Out-of-range `page` or `pageSize` is a 400, never clamped.',
    request: { query: UserListQuery, headers: SessionHeaders },
    responses: {
      200: {
        ...listResponse('PublicUser', PublicUser, 'A page of users.', cacheHeaders),
        links: { getUser: link('getUser', 'Read a listed user (here the first).', { id: '$response.body#/data/0/id' }) },
      },
      304: notModified,
      ...errorResponses(errors.list),
    },
  }),

  getUser: createRoute({
    method: 'get',
    path: '/api/users/{id}',
    operationId: 'getUser',
    tags: ['Users'],
    security: [],
    summary: 'Get a user',
    description: "One user's public representation.",
    request: { query: NoQuery, params: idParams, headers: SessionHeaders },
    responses: {
      200: dataResponse('PublicUser', PublicUser, 'The user.', { ...cacheHeaders, ...workerCacheHeader }),
      304: notModified,
      ...errorResponses(errors.input, 'NOT_FOUND'),
    },
  }),

  createUser: createRoute({
    method: 'post',
    path: '/api/users',
    operationId: 'createUser',
    tags: ['Users'],
    summary: 'Create a user',
    description: 'Admins only: creates a user with the given role.',
    security: needs('write'),
    request: {
      query: NoQuery,
      headers: IdempotencyHeaders,
      body: { required: true, content: { 'application/json': { schema: CreateUserRequest } } },
    },
    responses: {
      201: {
        ...dataResponse('User', User, 'Created.', { ...locationHeader, ...etagHeader, ...replayedHeader, ...noStoreHeader }),
        links: {
          getUser: link('getUser', 'Read the created user.', { id: '$response.body#/data/id' }),
          updateUser: link('updateUser', 'Change fields of the created user.', { id: '$response.body#/data/id' }),
          deleteUser: link('deleteUser', 'Delete the created user.', { id: '$response.body#/data/id' }),
        },
      },
      ...errorResponses(errors.body, errors.credentials, errors.idempotency, 'CONFLICT'),
    },
  }),

  replaceUser: createRoute({
    method: 'put',
    path: '/api/users/{id}',
    operationId: 'replaceUser',
    tags: ['Users'],
    summary: 'Replace a user',
    description: 'The user or an admin replaces `email` and `name`. Only an admin may send a `role` different from the current one.',
    security: needs('write'),
    request: {
      query: NoQuery,
      params: idParams,
      headers: IfMatchHeaders,
      body: { required: true, content: { 'application/json': { schema: ReplaceUserRequest } } },
    },
    responses: {
      200: dataResponse('User', User, 'Replaced.', { ...etagHeader, ...noStoreHeader }),
      ...errorResponses(errors.body, errors.credentials, 'REAUTHENTICATION_REQUIRED', 'NOT_FOUND', 'CONFLICT', errors.ifMatch),
    },
  }),

  updateUser: createRoute({
    method: 'patch',
    path: '/api/users/{id}',
    operationId: 'updateUser',
    tags: ['Users'],
    summary: 'Update a user',
    description: 'The user or an admin changes the fields given (at least one). Only an admin may change `role`.',
    security: needs('write'),
    request: {
      query: NoQuery,
      params: idParams,
      headers: IfMatchHeaders,
      body: { required: true, content: { 'application/json': { schema: UpdateUserRequest } } },
    },
    responses: {
      200: dataResponse('User', User, 'Updated.', { ...etagHeader, ...noStoreHeader }),
      ...errorResponses(errors.body, errors.credentials, 'REAUTHENTICATION_REQUIRED', 'NOT_FOUND', 'CONFLICT', errors.ifMatch),
    },
  }),

  deleteUser: createRoute({
    method: 'delete',
    path: '/api/users/{id}',
    operationId: 'deleteUser',
    tags: ['Users'],
    summary: 'Delete a user and their posts',
    description:
      'The user or an admin deletes the user **and every post they wrote**, in one atomic step. Their tokens stop working at once. Deleting your own account with a login token needs a login of the last 5 minutes (403 REAUTHENTICATION_REQUIRED otherwise: log in again).',
    security: needs('write'),
    request: { query: NoQuery, params: idParams, headers: IfMatchHeaders },
    responses: {
      204: noContent('Deleted the user and all their posts. No body.'),
      ...errorResponses(errors.input, errors.credentials, 'NOT_FOUND', errors.ifMatch, 'REAUTHENTICATION_REQUIRED'),
    },
  }),
}
