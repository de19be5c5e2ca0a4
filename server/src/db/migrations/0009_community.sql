CREATE TABLE "community_answers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"question_id" uuid NOT NULL,
	"author_profile_id" uuid NOT NULL,
	"body" text NOT NULL,
	"content_warning" text,
	"private" boolean NOT NULL,
	"status" text NOT NULL,
	"crisis" boolean DEFAULT false NOT NULL,
	"crisis_reviewed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "community_answers_status_check" CHECK ("community_answers"."status" in ('held', 'published', 'removed'))
);
--> statement-breakpoint
CREATE TABLE "community_blocks" (
	"id" uuid PRIMARY KEY NOT NULL,
	"owner_profile_id" uuid NOT NULL,
	"blocked_profile_id" uuid,
	"asker_ref" text,
	"ref_key_id" text,
	"question_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "community_blocks_question_key_unique" UNIQUE("question_key"),
	CONSTRAINT "community_blocks_target_check" CHECK (("community_blocks"."blocked_profile_id" is null) <> ("community_blocks"."asker_ref" is null))
);
--> statement-breakpoint
CREATE TABLE "community_helped" (
	"profile_id" uuid NOT NULL,
	"question_id" uuid,
	"answer_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "community_helped_target_check" CHECK (("community_helped"."question_id" is null) <> ("community_helped"."answer_id" is null))
);
--> statement-breakpoint
CREATE TABLE "community_moderation_log" (
	"id" uuid PRIMARY KEY NOT NULL,
	"moderator_id" uuid,
	"target_type" text NOT NULL,
	"target_id" uuid NOT NULL,
	"action" text NOT NULL,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "community_moderators" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"granted_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "community_mutes" (
	"profile_id" uuid NOT NULL,
	"muted_profile_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "community_mutes_profile_id_muted_profile_id_pk" PRIMARY KEY("profile_id","muted_profile_id")
);
--> statement-breakpoint
CREATE TABLE "community_notifications" (
	"id" uuid PRIMARY KEY NOT NULL,
	"profile_id" uuid NOT NULL,
	"type" text NOT NULL,
	"subject" text NOT NULL,
	"message" text,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"seen_at" timestamp with time zone,
	CONSTRAINT "community_notifications_type_check" CHECK ("community_notifications"."type" in ('ask', 'answer', 'care', 'moderation'))
);
--> statement-breakpoint
CREATE TABLE "community_profiles" (
	"id" uuid PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"pseudonym" text NOT NULL,
	"bio" text,
	"ask_box_open" boolean NOT NULL,
	"allow_anonymous" boolean NOT NULL,
	"trusted_at" timestamp with time zone,
	"suspended_at" timestamp with time zone,
	"suspension_reason" text,
	"mute_words" text,
	"anonymous_asks" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "community_profiles_user_id_unique" UNIQUE("user_id")
);
--> statement-breakpoint
CREATE TABLE "community_questions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"asker_profile_id" uuid,
	"asker" text,
	"anonymous" boolean NOT NULL,
	"to_profile_id" uuid,
	"follow_up_of" uuid,
	"title" text,
	"body" text NOT NULL,
	"content_warning" text,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"status" text NOT NULL,
	"delivered" boolean DEFAULT true NOT NULL,
	"crisis" boolean DEFAULT false NOT NULL,
	"crisis_reviewed_at" timestamp with time zone,
	"answered_at" timestamp with time zone,
	"public_answer_at" timestamp with time zone,
	"last_answer_at" timestamp with time zone,
	"asker_erased_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "community_questions_status_check" CHECK ("community_questions"."status" in ('held', 'published', 'removed')),
	CONSTRAINT "community_questions_anonymous_check" CHECK (not ("community_questions"."anonymous" and "community_questions"."asker_profile_id" is not null))
);
--> statement-breakpoint
CREATE TABLE "community_rate_limits" (
	"key" text PRIMARY KEY NOT NULL,
	"count" integer NOT NULL,
	"window_started_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "community_reports" (
	"id" uuid PRIMARY KEY NOT NULL,
	"question_id" uuid,
	"answer_id" uuid,
	"profile_id" uuid,
	"reporter_key" text NOT NULL,
	"reason" text NOT NULL,
	"note" text,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "community_reports_reporter_key_unique" UNIQUE("reporter_key"),
	CONSTRAINT "community_reports_target_check" CHECK (num_nonnulls("community_reports"."question_id", "community_reports"."answer_id", "community_reports"."profile_id") = 1),
	CONSTRAINT "community_reports_reason_check" CHECK ("community_reports"."reason" in ('harassment', 'spam', 'at-risk', 'other'))
);
--> statement-breakpoint
ALTER TABLE "community_answers" ADD CONSTRAINT "community_answers_question_id_community_questions_id_fk" FOREIGN KEY ("question_id") REFERENCES "public"."community_questions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "community_answers" ADD CONSTRAINT "community_answers_author_profile_id_community_profiles_id_fk" FOREIGN KEY ("author_profile_id") REFERENCES "public"."community_profiles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "community_blocks" ADD CONSTRAINT "community_blocks_owner_profile_id_community_profiles_id_fk" FOREIGN KEY ("owner_profile_id") REFERENCES "public"."community_profiles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "community_blocks" ADD CONSTRAINT "community_blocks_blocked_profile_id_community_profiles_id_fk" FOREIGN KEY ("blocked_profile_id") REFERENCES "public"."community_profiles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "community_helped" ADD CONSTRAINT "community_helped_profile_id_community_profiles_id_fk" FOREIGN KEY ("profile_id") REFERENCES "public"."community_profiles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "community_helped" ADD CONSTRAINT "community_helped_question_id_community_questions_id_fk" FOREIGN KEY ("question_id") REFERENCES "public"."community_questions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "community_helped" ADD CONSTRAINT "community_helped_answer_id_community_answers_id_fk" FOREIGN KEY ("answer_id") REFERENCES "public"."community_answers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "community_moderation_log" ADD CONSTRAINT "community_moderation_log_moderator_id_users_id_fk" FOREIGN KEY ("moderator_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "community_moderators" ADD CONSTRAINT "community_moderators_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "community_mutes" ADD CONSTRAINT "community_mutes_profile_id_community_profiles_id_fk" FOREIGN KEY ("profile_id") REFERENCES "public"."community_profiles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "community_mutes" ADD CONSTRAINT "community_mutes_muted_profile_id_community_profiles_id_fk" FOREIGN KEY ("muted_profile_id") REFERENCES "public"."community_profiles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "community_notifications" ADD CONSTRAINT "community_notifications_profile_id_community_profiles_id_fk" FOREIGN KEY ("profile_id") REFERENCES "public"."community_profiles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "community_profiles" ADD CONSTRAINT "community_profiles_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "community_questions" ADD CONSTRAINT "community_questions_asker_profile_id_community_profiles_id_fk" FOREIGN KEY ("asker_profile_id") REFERENCES "public"."community_profiles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "community_questions" ADD CONSTRAINT "community_questions_to_profile_id_community_profiles_id_fk" FOREIGN KEY ("to_profile_id") REFERENCES "public"."community_profiles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "community_questions" ADD CONSTRAINT "community_questions_follow_up_of_community_questions_id_fk" FOREIGN KEY ("follow_up_of") REFERENCES "public"."community_questions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "community_reports" ADD CONSTRAINT "community_reports_question_id_community_questions_id_fk" FOREIGN KEY ("question_id") REFERENCES "public"."community_questions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "community_reports" ADD CONSTRAINT "community_reports_answer_id_community_answers_id_fk" FOREIGN KEY ("answer_id") REFERENCES "public"."community_answers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "community_reports" ADD CONSTRAINT "community_reports_profile_id_community_profiles_id_fk" FOREIGN KEY ("profile_id") REFERENCES "public"."community_profiles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "community_answers_question_idx" ON "community_answers" USING btree ("question_id","created_at");--> statement-breakpoint
CREATE INDEX "community_answers_author_idx" ON "community_answers" USING btree ("author_profile_id");--> statement-breakpoint
CREATE INDEX "community_blocks_owner_ref_idx" ON "community_blocks" USING btree ("owner_profile_id","asker_ref");--> statement-breakpoint
CREATE UNIQUE INDEX "community_blocks_owner_profile_idx" ON "community_blocks" USING btree ("owner_profile_id","blocked_profile_id");--> statement-breakpoint
CREATE INDEX "community_blocks_blocked_idx" ON "community_blocks" USING btree ("blocked_profile_id");--> statement-breakpoint
CREATE UNIQUE INDEX "community_helped_question_idx" ON "community_helped" USING btree ("question_id","profile_id");--> statement-breakpoint
CREATE UNIQUE INDEX "community_helped_answer_idx" ON "community_helped" USING btree ("answer_id","profile_id");--> statement-breakpoint
CREATE INDEX "community_helped_profile_idx" ON "community_helped" USING btree ("profile_id");--> statement-breakpoint
CREATE INDEX "community_moderation_log_target_idx" ON "community_moderation_log" USING btree ("target_id");--> statement-breakpoint
CREATE INDEX "community_moderation_log_moderator_idx" ON "community_moderation_log" USING btree ("moderator_id");--> statement-breakpoint
CREATE INDEX "community_mutes_muted_idx" ON "community_mutes" USING btree ("muted_profile_id");--> statement-breakpoint
CREATE INDEX "community_notifications_profile_idx" ON "community_notifications" USING btree ("profile_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "community_profiles_pseudonym_lower_idx" ON "community_profiles" USING btree (lower("pseudonym"));--> statement-breakpoint
CREATE INDEX "community_questions_board_idx" ON "community_questions" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "community_questions_asker_idx" ON "community_questions" USING btree ("asker_profile_id");--> statement-breakpoint
CREATE INDEX "community_questions_to_idx" ON "community_questions" USING btree ("to_profile_id","created_at");--> statement-breakpoint
CREATE INDEX "community_questions_follow_up_idx" ON "community_questions" USING btree ("follow_up_of");--> statement-breakpoint
CREATE INDEX "community_questions_tags_idx" ON "community_questions" USING gin ("tags");--> statement-breakpoint
CREATE INDEX "community_reports_question_idx" ON "community_reports" USING btree ("question_id");--> statement-breakpoint
CREATE INDEX "community_reports_answer_idx" ON "community_reports" USING btree ("answer_id");--> statement-breakpoint
CREATE INDEX "community_reports_profile_idx" ON "community_reports" USING btree ("profile_id");--> statement-breakpoint
CREATE INDEX "community_reports_open_idx" ON "community_reports" USING btree ("closed_at","created_at");