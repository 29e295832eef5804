import { sql } from 'drizzle-orm'
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { users } from './schema'

/**
 * The event log and transactional outbox: each row is written in the same batch as the change it describes. `user_id`
 * is the user it concerns (a post's author); `data` the whole resource as JSON. `dispatched_at` is set when the queue's
 * consumer has made its deliveries; the cron job re-sends those still without it. Kept 30 days.
 */
export const events = sqliteTable(
  'events',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    userId: text('user_id').notNull(),
    data: text('data').notNull(),
    createdAt: text('created_at').notNull(),
    dispatchedAt: text('dispatched_at'),
  },
  (t) => [
    index('events_created_at_id_idx').on(t.createdAt, t.id),
    index('events_type_created_at_id_idx').on(t.type, t.createdAt, t.id),
    index('events_undispatched_idx')
      .on(t.createdAt)
      .where(sql`dispatched_at is null`),
  ],
)

/** Where a user wants events sent. The signing secrets are stored sealed (AES-GCM under the Worker's secret). */
export const webhookEndpoints = sqliteTable(
  'webhook_endpoints',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    description: text('description').notNull(),
    // Comma-separated event types.
    eventTypes: text('event_types').notNull(),
    secret: text('secret').notNull(),
    previousSecret: text('previous_secret'),
    previousSecretExpiresAt: text('previous_secret_expires_at'),
    enabled: integer('enabled').notNull().default(1),
    disabledReason: text('disabled_reason'),
    version: integer('version').notNull().default(1),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [index('webhook_endpoints_user_created_at_id_idx').on(t.userId, t.createdAt, t.id)],
)

/** One event's delivery to one endpoint, with what its attempts came to. Goes with its endpoint and its event. */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    eventId: text('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    status: text('status', { enum: ['pending', 'delivered', 'failed', 'dead'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    nextAttemptAt: text('next_attempt_at'),
    deliveredAt: text('delivered_at'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_endpoint_event_unique').on(t.endpointId, t.eventId),
    index('webhook_deliveries_endpoint_created_at_id_idx').on(t.endpointId, t.createdAt, t.id),
    index('webhook_deliveries_event_idx').on(t.eventId),
  ],
)
