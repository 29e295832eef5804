import { sql } from 'drizzle-orm'
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    // Stored as the user wrote it; unique and looked up without regard to ASCII case (the index on lower(email)).
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: ['admin', 'user', 'guest'] })
      .notNull()
      .default('user'),
    passwordHash: text('password_hash').notNull(),
    // Bumped by every write; the ETag is made from it, so If-Match detects concurrent updates.
    version: integer('version').notNull().default(1),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    // Tokens carry the generation they were issued in; signing out or changing the password bumps it, ending them all.
    tokenGeneration: integer('token_generation').notNull().default(0),
    // Password attempts since the last success, and until when (epoch ms) the account takes none (docs/decisions.md).
    failedLogins: integer('failed_logins').notNull().default(0),
    lockedUntil: integer('locked_until'),
    // 1 from a sign-up until its welcome email was sent: the cron job sends the ones that work after the answer missed.
    welcomePending: integer('welcome_pending').notNull().default(0),
  },
  (t) => [
    uniqueIndex('users_email_lower_unique').on(sql`lower(${t.email})`),
    index('users_created_at_id_idx').on(t.createdAt, t.id),
    index('users_name_id_idx').on(t.name, t.id),
  ],
)

export const posts = sqliteTable(
  'posts',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    body: text('body').notNull(),
    version: integer('version').notNull().default(1),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    index('posts_user_created_at_id_idx').on(t.userId, t.createdAt, t.id),
    index('posts_user_title_id_idx').on(t.userId, t.title, t.id),
    index('posts_created_at_id_idx').on(t.createdAt, t.id),
    index('posts_title_id_idx').on(t.title, t.id),
  ],
)

/** Stripe-style idempotency keys: the first response to a (scope, key) is stored and replayed for 24 hours. */
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    fingerprint: text('fingerprint').notNull(),
    // Which attempt holds the claim (random per claim): a write carries it in its guard, so an attempt whose claim
    // expired or was released can never write beside the attempt that claimed the key after it.
    attempt: text('attempt').notNull().default(''),
    // What the request created, recorded in the same transaction as the creation itself (JSON: its id, and for an API
    // key its secret sealed): a retry whose first answer was lost replays it instead of creating twice.
    outcome: text('outcome'),
    // Null while the first request is still running.
    status: integer('status'),
    body: text('body'),
    // JSON object of the response headers a replay must repeat (Location, ETag).
    headers: text('headers'),
    createdAt: text('created_at').notNull(),
    expiresAt: text('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] }), index('idempotency_keys_expires_at_idx').on(t.expiresAt)],
)

/**
 * How many rows `users` and `posts` hold, kept exact by triggers (migrations/0002_row_counts.sql) in the same
 * transaction as each insert and delete, so an unfiltered list's total is one row read instead of a scan of the table.
 */
export const rowCounts = sqliteTable('row_counts', {
  name: text('name', { enum: ['users', 'posts'] }).primaryKey(),
  count: integer('count').notNull(),
})

/**
 * API keys: only a SHA-256 of the secret is kept (the secret is random enough that a fast hash is safe, and the lookup
 * by it is one read of a unique index), with its prefix and last four characters for display. Deleting the user
 * deletes their keys (the foreign key cascades).
 */
export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    last4: text('last4').notNull(),
    hash: text('hash').notNull(),
    // Comma-separated: read, write, keys.
    scopes: text('scopes').notNull(),
    createdAt: text('created_at').notNull(),
    expiresAt: text('expires_at'),
    revokedAt: text('revoked_at'),
    lastUsedAt: text('last_used_at'),
  },
  (t) => [uniqueIndex('api_keys_hash_unique').on(t.hash), index('api_keys_user_created_at_id_idx').on(t.userId, t.createdAt, t.id)],
)

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
