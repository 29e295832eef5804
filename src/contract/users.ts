import { createRoute, z } from '@hono/zod-openapi'
import { dataResponse, listResponse, noContent, notModified } from './common/envelopes'
import {
  cacheHeaders,
  etagHeader,
  IdempotencyHeaders,
  IfMatchHeaders,
  locationHeader,
  replayedHeader,
  SessionHeaders,
  workerCacheHeader,
} from './common/headers'
import { link } from './common/links'
import { PageQuery, sortParameter } from './common/paging'
import { Email, examples, IdParam, Timestamp, Uuid } from './common/primitives'
import { bodyErrors, errorResponses, idempotencyErrors } from './errors/responses'

export const Role = z.enum(['admin', 'user', 'guest']).openapi('Role', { description: 'Only an admin can change a role.', example: 'user' })

const userId = Uuid.openapi({ example: examples.userId })
const userName = z.string().trim().min(1).max(100).openapi({ example: 'Alice Example' })
const timestamps = {
  createdAt: Timestamp.openapi({ example: examples.time }),
  updatedAt: Timestamp.openapi({ example: examples.time }),
}

export const PublicUser = z.object({ id: userId, name: userName, role: Role, ...timestamps }).openapi('PublicUser', {
  description: 'What anyone may see of a user: no email.',
  example: {
    id: examples.userId,
    name: 'Alice Example',
    role: 'user',
    createdAt: examples.time,
    updatedAt: examples.time,
  },
})

export const User = z.object({ id: userId, email: Email, name: userName, role: Role, ...timestamps }).openapi('User', {
  description: 'The full record, seen only by the user and by admins.',
  example: {
    id: examples.userId,
    email: 'alice@example.com',
    name: 'Alice Example',
    role: 'user',
    createdAt: examples.time,
    updatedAt: examples.time,
  },
})

const CreateUserRequest = z
  .strictObject({
    email: Email,
    name: userName,
    password: z.string().min(8).max(128).openapi({ example: 'correct-horse-battery' }),
    role: Role.default('user'),
  })
  .openapi('CreateUserRequest', {
    example: { email: 'bob@example.com', name: 'Bob Example', password: 'correct-horse-battery', role: 'user' },
  })

const ReplaceUserRequest = z
  .strictObject({
    email: Email,
    name: userName,
    role: Role.optional().openapi({ description: 'Admins only; when omitted the role is kept.' }),
  })
  .openapi('ReplaceUserRequest', { example: { email: 'alice@example.com', name: 'Alice Example' } })

const UpdateUserRequest = z
  .strictObject({ email: Email.optional(), name: userName.optional(), role: Role.optional().openapi({ description: 'Admins only.' }) })
  .refine((body) => Object.keys(body).length > 0, { message: 'Give at least one field to change' })
  .openapi('UpdateUserRequest', { minProperties: 1, example: { name: 'Alice Q. Example' } })

const UserListQuery = z.strictObject({ ...PageQuery, sort: sortParameter(['createdAt', 'name'], 'UserSortField', 'users') })

const idParams = z.object({ id: IdParam })
const security = [{ bearerAuth: [] }]

export const userOperations = {
  listUsers: createRoute({
    method: 'get',
    path: '/api/users',
    operationId: 'listUsers',
    tags: ['Users'],
    summary: 'List users',
    description: 'Public representation of every user, paginated. Out-of-range `page` or `pageSize` is a 400, never clamped.',
    request: { query: UserListQuery, headers: SessionHeaders },
    responses: {
      200: {
        ...listResponse('PublicUser', PublicUser, 'A page of users.', cacheHeaders),
        links: { getUser: link('getUser', 'Read a listed user (here the first).', { id: '$response.body#/data/0/id' }) },
      },
      304: notModified,
      ...errorResponses(400),
    },
  }),

  getUser: createRoute({
    method: 'get',
    path: '/api/users/{id}',
    operationId: 'getUser',
    tags: ['Users'],
    summary: 'Get a user',
    description: "One user's public representation.",
    request: { params: idParams, headers: SessionHeaders },
    responses: {
      200: dataResponse('PublicUser', PublicUser, 'The user.', { ...cacheHeaders, ...workerCacheHeader }),
      304: notModified,
      ...errorResponses(400, 404),
    },
  }),

  createUser: createRoute({
    method: 'post',
    path: '/api/users',
    operationId: 'createUser',
    tags: ['Users'],
    summary: 'Create a user',
    description: 'Admins only: creates a user with the given role.',
    security,
    request: { headers: IdempotencyHeaders, body: { required: true, content: { 'application/json': { schema: CreateUserRequest } } } },
    responses: {
      201: {
        ...dataResponse('User', User, 'Created.', { ...locationHeader, ...etagHeader, ...replayedHeader }),
        links: {
          getUser: link('getUser', 'Read the created user.', { id: '$response.body#/data/id' }),
          updateUser: link('updateUser', 'Change fields of the created user.', { id: '$response.body#/data/id' }),
          deleteUser: link('deleteUser', 'Delete the created user.', { id: '$response.body#/data/id' }),
        },
      },
      ...errorResponses(...bodyErrors, 401, 403, ...idempotencyErrors),
    },
  }),

  replaceUser: createRoute({
    method: 'put',
    path: '/api/users/{id}',
    operationId: 'replaceUser',
    tags: ['Users'],
    summary: 'Replace a user',
    description: 'The user or an admin replaces `email` and `name`. Only an admin may send a `role` different from the current one.',
    security,
    request: {
      params: idParams,
      headers: IfMatchHeaders,
      body: { required: true, content: { 'application/json': { schema: ReplaceUserRequest } } },
    },
    responses: {
      200: dataResponse('User', User, 'Replaced.', etagHeader),
      ...errorResponses(...bodyErrors, 401, 403, 404, 409, 412),
    },
  }),

  updateUser: createRoute({
    method: 'patch',
    path: '/api/users/{id}',
    operationId: 'updateUser',
    tags: ['Users'],
    summary: 'Update a user',
    description: 'The user or an admin changes the fields given (at least one). Only an admin may change `role`.',
    security,
    request: {
      params: idParams,
      headers: IfMatchHeaders,
      body: { required: true, content: { 'application/json': { schema: UpdateUserRequest } } },
    },
    responses: {
      200: dataResponse('User', User, 'Updated.', etagHeader),
      ...errorResponses(...bodyErrors, 401, 403, 404, 409, 412),
    },
  }),

  deleteUser: createRoute({
    method: 'delete',
    path: '/api/users/{id}',
    operationId: 'deleteUser',
    tags: ['Users'],
    summary: 'Delete a user and their posts',
    description:
      'The user or an admin deletes the user **and every post they wrote**, in one atomic step. Their tokens stop working at once.',
    security,
    request: { params: idParams, headers: IfMatchHeaders },
    responses: {
      204: noContent('Deleted the user and all their posts. No body.'),
      ...errorResponses(400, 401, 403, 404, 412),
    },
  }),
}
