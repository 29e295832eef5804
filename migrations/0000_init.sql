CREATE TABLE `posts` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `posts_user_created_at_id_idx` ON `posts` (`user_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `posts_user_title_id_idx` ON `posts` (`user_id`,`title`,`id`);--> statement-breakpoint
CREATE INDEX `posts_created_at_id_idx` ON `posts` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `posts_title_id_idx` ON `posts` (`title`,`id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`role` text DEFAULT 'user' NOT NULL,
	`password_hash` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);--> statement-breakpoint
CREATE INDEX `users_created_at_id_idx` ON `users` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `users_name_id_idx` ON `users` (`name`,`id`);