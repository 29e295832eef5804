CREATE TABLE `login_attempts` (
	`subject` text NOT NULL,
	`address` text NOT NULL,
	`failures` integer NOT NULL,
	`locked_until` integer,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`subject`, `address`)
);
--> statement-breakpoint
CREATE INDEX `login_attempts_updated_at_idx` ON `login_attempts` (`updated_at`);--> statement-breakpoint
ALTER TABLE `api_keys` ADD `parent_key_id` text;--> statement-breakpoint
CREATE INDEX `api_keys_parent_key_id_idx` ON `api_keys` (`parent_key_id`);