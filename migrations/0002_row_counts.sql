CREATE TABLE `row_counts` (
	`name` text PRIMARY KEY NOT NULL,
	`count` integer NOT NULL
);
--> statement-breakpoint
-- Hand-written below (drizzle-kit does not model triggers): start from the rows already there, then keep the counts exact.
-- A cascade from deleting a user fires the posts trigger too, so both counts stay right in one transaction.
INSERT INTO `row_counts` (`name`, `count`) VALUES ('users', (SELECT count(*) FROM `users`)), ('posts', (SELECT count(*) FROM `posts`));
--> statement-breakpoint
CREATE TRIGGER `users_count_insert` AFTER INSERT ON `users` BEGIN UPDATE `row_counts` SET `count` = `count` + 1 WHERE `name` = 'users'; END;
--> statement-breakpoint
CREATE TRIGGER `users_count_delete` AFTER DELETE ON `users` BEGIN UPDATE `row_counts` SET `count` = `count` - 1 WHERE `name` = 'users'; END;
--> statement-breakpoint
CREATE TRIGGER `posts_count_insert` AFTER INSERT ON `posts` BEGIN UPDATE `row_counts` SET `count` = `count` + 1 WHERE `name` = 'posts'; END;
--> statement-breakpoint
CREATE TRIGGER `posts_count_delete` AFTER DELETE ON `posts` BEGIN UPDATE `row_counts` SET `count` = `count` - 1 WHERE `name` = 'posts'; END;
