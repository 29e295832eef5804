ALTER TABLE `idempotency_keys` ADD `attempt` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `idempotency_keys` ADD `outcome` text;--> statement-breakpoint
ALTER TABLE `users` ADD `welcome_pending` integer DEFAULT 0 NOT NULL;