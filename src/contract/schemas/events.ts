import { z } from '@hono/zod-openapi'
import { PageQuery } from '../common/query'
import { examples, Timestamp, Uuid } from '../common/primitives'
import { examplePost, Post } from './posts'
import { PublicUser, User } from './users'

/** Days the event log keeps an event (the cron job deletes older ones). */
export const EVENT_RETENTION_DAYS = 30
const eventTypes = ['user.created', 'user.updated', 'user.deleted', 'post.created', 'post.updated', 'post.deleted', 'ping'] as const

export const EventType = z.enum(eventTypes).openapi('EventType', {
  description:
    'What happened: a user or a post was created, updated or deleted; `ping` is a test event sent by `POST /api/webhook-endpoints/{id}/ping` to that endpoint alone.',
  example: 'post.created',
})

export const exampleEventId = '0d6e1c9a-5b7f-4a3e-9c2d-8f1e0a4b6c7d'
const exampleUser = { id: examples.userId, name: 'Alice Example', role: 'user', createdAt: examples.time, updatedAt: examples.time }

const eventFields = {
  id: Uuid.openapi({
    example: exampleEventId,
    description: 'The event id: also the `webhook-id` header of every delivery of it, the same on every retry, to deduplicate by.',
  }),
  timestamp: Timestamp.openapi({ example: examples.time, description: 'When the change happened (UTC).' }),
}

const userData = z.union([User, PublicUser]).openapi({
  description:
    "The user as the receiving endpoint's owner may read it: the whole record (`User`) for their own account or for an admin; what the public sees (`PublicUser`, no email) otherwise. For `user.deleted`, as it was last.",
})
const postData = Post.openapi({ description: 'The post, public to everyone. For `post.deleted`, as it was last.' })

function event<const T extends string, D extends z.ZodType>(name: string, type: T, data: D, example: unknown) {
  return z.object({ ...eventFields, type: z.literal(type).openapi({ example: type }), data }).openapi(name, {
    description: `A \`${type}\` event, as delivered and as listed by \`GET /api/events\`.`,
    example: { id: exampleEventId, type, timestamp: examples.time, data: example },
  })
}

export const UserCreatedEvent = event('UserCreatedEvent', 'user.created', userData, exampleUser)
export const UserUpdatedEvent = event('UserUpdatedEvent', 'user.updated', userData, exampleUser)
export const UserDeletedEvent = event('UserDeletedEvent', 'user.deleted', userData, exampleUser)
export const PostCreatedEvent = event('PostCreatedEvent', 'post.created', postData, examplePost)
export const PostUpdatedEvent = event('PostUpdatedEvent', 'post.updated', postData, {
  ...examplePost,
  title: 'Designing contract-first APIs, revisited',
})
export const PostDeletedEvent = event('PostDeletedEvent', 'post.deleted', postData, examplePost)
export const PingEvent = event(
  'PingEvent',
  'ping',
  z
    .object({ endpointId: Uuid.openapi({ example: exampleEventId, description: 'The endpoint the ping was sent to.' }) })
    .openapi('PingData', { example: { endpointId: exampleEventId } }),
  { endpointId: exampleEventId },
)

export const Event = z
  .discriminatedUnion('type', [
    UserCreatedEvent,
    UserUpdatedEvent,
    UserDeletedEvent,
    PostCreatedEvent,
    PostUpdatedEvent,
    PostDeletedEvent,
    PingEvent,
  ])
  .openapi('Event', {
    description: 'Any event, told apart by `type`.',
    example: { id: exampleEventId, type: 'post.created', timestamp: examples.time, data: examplePost },
  })

/** A time bound of the log: compared with each event's timestamp as text, so it is written the way they are (UTC, `Z`). */
const bound = (name: string, description: string, example: string) =>
  z
    .string()
    .max(24)
    .regex(
      /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,3})?Z$/,
      'Must be a UTC time such as 2026-11-25T09:30:00.000Z',
    )
    .optional()
    .openapi({ param: { name, in: 'query' }, description, example })

export const EventListQuery = z.strictObject({
  page: PageQuery.page,
  pageSize: PageQuery.pageSize,
  order: PageQuery.order,
  cursor: PageQuery.cursor,
  type: z
    .enum(eventTypes)
    .optional()
    .openapi({
      param: { name: 'type', in: 'query' },
      description: 'Only events of this type. Ignored when `cursor` is given: the cursor keeps the filters it was made with.',
      example: 'post.created',
    }),
  since: bound(
    'since',
    `Only events at or after this UTC time, written like their timestamps. Events are kept ${EVENT_RETENTION_DAYS} days. Ignored when \`cursor\` is given.`,
    examples.time,
  ),
  until: bound('until', 'Only events before this UTC time. Ignored when `cursor` is given.', '2026-11-26T09:30:00.000Z'),
})
