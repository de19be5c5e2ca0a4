CREATE TABLE "appointments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"relationship_id" uuid NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"duration_minutes" integer NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_id" uuid,
	"subject_user_id" uuid NOT NULL,
	"relationship_id" uuid,
	"action" text NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" text
);
--> statement-breakpoint
CREATE TABLE "checkins" (
	"id" uuid PRIMARY KEY NOT NULL,
	"relationship_id" uuid NOT NULL,
	"appointment_id" uuid NOT NULL,
	"respondent" text NOT NULL,
	"bond" integer NOT NULL,
	"goals" integer NOT NULL,
	"method" integer NOT NULL,
	"overall" integer NOT NULL,
	"tension" integer NOT NULL,
	"resolved" integer,
	"note" text,
	"shared" boolean NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "checkins_items_check" CHECK ("checkins"."bond" between 0 and 10 and "checkins"."goals" between 0 and 10 and "checkins"."method" between 0 and 10 and "checkins"."overall" between 0 and 10),
	CONSTRAINT "checkins_tension_check" CHECK ("checkins"."tension" between 0 and 4 and ("checkins"."resolved" is null or "checkins"."resolved" between 0 and 4))
);
--> statement-breakpoint
CREATE TABLE "invites" (
	"id" uuid PRIMARY KEY NOT NULL,
	"relationship_id" uuid NOT NULL,
	"code_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invites_code_hash_unique" UNIQUE("code_hash")
);
--> statement-breakpoint
CREATE TABLE "relationships" (
	"id" uuid PRIMARY KEY NOT NULL,
	"client_id" uuid NOT NULL,
	"therapist_id" uuid,
	"therapist_name" text NOT NULL,
	"mode" text NOT NULL,
	"status" text NOT NULL,
	"sensitivity" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	CONSTRAINT "relationships_mode_check" CHECK ("relationships"."mode" in ('solo', 'connected')),
	CONSTRAINT "relationships_status_check" CHECK ("relationships"."status" in ('active', 'ended')),
	CONSTRAINT "relationships_sensitivity_check" CHECK ("relationships"."sensitivity" in ('standard', 'sensitive'))
);
--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_relationship_id_relationships_id_fk" FOREIGN KEY ("relationship_id") REFERENCES "public"."relationships"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_subject_user_id_users_id_fk" FOREIGN KEY ("subject_user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_relationship_id_relationships_id_fk" FOREIGN KEY ("relationship_id") REFERENCES "public"."relationships"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checkins" ADD CONSTRAINT "checkins_relationship_id_relationships_id_fk" FOREIGN KEY ("relationship_id") REFERENCES "public"."relationships"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checkins" ADD CONSTRAINT "checkins_appointment_id_appointments_id_fk" FOREIGN KEY ("appointment_id") REFERENCES "public"."appointments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invites" ADD CONSTRAINT "invites_relationship_id_relationships_id_fk" FOREIGN KEY ("relationship_id") REFERENCES "public"."relationships"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relationships" ADD CONSTRAINT "relationships_client_id_users_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relationships" ADD CONSTRAINT "relationships_therapist_id_users_id_fk" FOREIGN KEY ("therapist_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "appointments_relationship_starts_idx" ON "appointments" USING btree ("relationship_id","starts_at");--> statement-breakpoint
CREATE INDEX "audit_events_subject_at_idx" ON "audit_events" USING btree ("subject_user_id","at");--> statement-breakpoint
CREATE INDEX "audit_events_actor_id_idx" ON "audit_events" USING btree ("actor_id");--> statement-breakpoint
CREATE INDEX "audit_events_relationship_id_idx" ON "audit_events" USING btree ("relationship_id");--> statement-breakpoint
CREATE UNIQUE INDEX "checkins_appointment_respondent_idx" ON "checkins" USING btree ("appointment_id","respondent");--> statement-breakpoint
CREATE INDEX "checkins_relationship_id_idx" ON "checkins" USING btree ("relationship_id");--> statement-breakpoint
CREATE INDEX "invites_relationship_id_idx" ON "invites" USING btree ("relationship_id");--> statement-breakpoint
CREATE INDEX "relationships_client_id_idx" ON "relationships" USING btree ("client_id");--> statement-breakpoint
CREATE INDEX "relationships_therapist_id_idx" ON "relationships" USING btree ("therapist_id");