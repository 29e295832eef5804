ALTER TABLE `users` ADD `post_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `post_bytes` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Hand-written below (drizzle-kit does not model triggers): start from the posts already there, then keep each user's
-- count and bytes (UTF-8, as CAST AS BLOB gives them) exact in the same transaction as every insert, update and delete.
UPDATE `users` SET
  `post_count` = (SELECT count(*) FROM `posts` WHERE `posts`.`user_id` = `users`.`id`),
  `post_bytes` = (SELECT coalesce(sum(length(CAST(`title` AS BLOB)) + length(CAST(`body` AS BLOB))), 0) FROM `posts` WHERE `posts`.`user_id` = `users`.`id`);
--> statement-breakpoint
CREATE TRIGGER `posts_quota_insert` AFTER INSERT ON `posts` BEGIN UPDATE `users` SET `post_count` = `post_count` + 1, `post_bytes` = `post_bytes` + length(CAST(NEW.`title` AS BLOB)) + length(CAST(NEW.`body` AS BLOB)) WHERE `id` = NEW.`user_id`; END;
--> statement-breakpoint
CREATE TRIGGER `posts_quota_update` AFTER UPDATE OF `title`, `body` ON `posts` BEGIN UPDATE `users` SET `post_bytes` = `post_bytes` - length(CAST(OLD.`title` AS BLOB)) - length(CAST(OLD.`body` AS BLOB)) + length(CAST(NEW.`title` AS BLOB)) + length(CAST(NEW.`body` AS BLOB)) WHERE `id` = NEW.`user_id`; END;
--> statement-breakpoint
CREATE TRIGGER `posts_quota_delete` AFTER DELETE ON `posts` BEGIN UPDATE `users` SET `post_count` = `post_count` - 1, `post_bytes` = `post_bytes` - length(CAST(OLD.`title` AS BLOB)) - length(CAST(OLD.`body` AS BLOB)) WHERE `id` = OLD.`user_id`; END;
