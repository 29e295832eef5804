CREATE TABLE `login_attempts` (
	`subject` text NOT NULL,
	`address` text NOT NULL,
	`failures` integer NOT NULL,
	`locked_until` integer,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`subject`, `address`)
);
--> statement-breakpoint
CREATE INDEX `login_attempts_updated_at_idx` ON `login_attempts` (`updated_at`);