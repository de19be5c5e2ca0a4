CREATE TABLE "agenda_items" (
	"id" uuid PRIMARY KEY NOT NULL,
	"relationship_id" uuid NOT NULL,
	"text" text NOT NULL,
	"rupture_id" uuid,
	"done" boolean DEFAULT false NOT NULL,
	"done_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "good_moments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"relationship_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"text" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "letters" (
	"id" uuid PRIMARY KEY NOT NULL,
	"relationship_id" uuid NOT NULL,
	"rupture_id" uuid,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "parts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"client_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "repairs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"rupture_id" uuid NOT NULL,
	"author_id" uuid,
	"author_role" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"kind" text NOT NULL,
	"by" text NOT NULL,
	"note" text,
	"felt_heard" integer,
	"defensiveness" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "repairs_ratings_check" CHECK (("repairs"."felt_heard" is null or "repairs"."felt_heard" between 0 and 4) and ("repairs"."defensiveness" is null or "repairs"."defensiveness" between 0 and 4))
);
--> statement-breakpoint
CREATE TABLE "rupture_parts" (
	"rupture_id" uuid NOT NULL,
	"part_id" uuid NOT NULL,
	CONSTRAINT "rupture_parts_rupture_id_part_id_pk" PRIMARY KEY("rupture_id","part_id")
);
--> statement-breakpoint
CREATE TABLE "ruptures" (
	"id" uuid PRIMARY KEY NOT NULL,
	"relationship_id" uuid NOT NULL,
	"title" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"what_happened" text NOT NULL,
	"my_experience" text,
	"their_side" text,
	"echoes" text,
	"needs" text,
	"kind" text,
	"intensity" integer NOT NULL,
	"status" text NOT NULL,
	"visibility" text NOT NULL,
	"reflection" text,
	"marker_kind" text,
	"appointment_id" uuid,
	"shared_at" timestamp with time zone,
	"repaired_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ruptures_intensity_check" CHECK ("ruptures"."intensity" between 1 and 5),
	CONSTRAINT "ruptures_kind_check" CHECK ("ruptures"."kind" is null or "ruptures"."kind" in ('withdrawal', 'confrontation', 'mixed', 'unsure')),
	CONSTRAINT "ruptures_status_check" CHECK ("ruptures"."status" in ('open', 'repairing', 'repaired', 'unresolved')),
	CONSTRAINT "ruptures_visibility_check" CHECK ("ruptures"."visibility" in ('private', 'shared'))
);
--> statement-breakpoint
ALTER TABLE "agenda_items" ADD CONSTRAINT "agenda_items_relationship_id_relationships_id_fk" FOREIGN KEY ("relationship_id") REFERENCES "public"."relationships"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agenda_items" ADD CONSTRAINT "agenda_items_rupture_id_ruptures_id_fk" FOREIGN KEY ("rupture_id") REFERENCES "public"."ruptures"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "good_moments" ADD CONSTRAINT "good_moments_relationship_id_relationships_id_fk" FOREIGN KEY ("relationship_id") REFERENCES "public"."relationships"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "letters" ADD CONSTRAINT "letters_relationship_id_relationships_id_fk" FOREIGN KEY ("relationship_id") REFERENCES "public"."relationships"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "letters" ADD CONSTRAINT "letters_rupture_id_ruptures_id_fk" FOREIGN KEY ("rupture_id") REFERENCES "public"."ruptures"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "parts" ADD CONSTRAINT "parts_client_id_users_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "repairs" ADD CONSTRAINT "repairs_rupture_id_ruptures_id_fk" FOREIGN KEY ("rupture_id") REFERENCES "public"."ruptures"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "repairs" ADD CONSTRAINT "repairs_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rupture_parts" ADD CONSTRAINT "rupture_parts_rupture_id_ruptures_id_fk" FOREIGN KEY ("rupture_id") REFERENCES "public"."ruptures"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rupture_parts" ADD CONSTRAINT "rupture_parts_part_id_parts_id_fk" FOREIGN KEY ("part_id") REFERENCES "public"."parts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ruptures" ADD CONSTRAINT "ruptures_relationship_id_relationships_id_fk" FOREIGN KEY ("relationship_id") REFERENCES "public"."relationships"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ruptures" ADD CONSTRAINT "ruptures_appointment_id_appointments_id_fk" FOREIGN KEY ("appointment_id") REFERENCES "public"."appointments"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agenda_items_relationship_id_idx" ON "agenda_items" USING btree ("relationship_id");--> statement-breakpoint
CREATE INDEX "good_moments_relationship_at_idx" ON "good_moments" USING btree ("relationship_id","at");--> statement-breakpoint
CREATE INDEX "letters_relationship_id_idx" ON "letters" USING btree ("relationship_id");--> statement-breakpoint
CREATE INDEX "parts_client_id_idx" ON "parts" USING btree ("client_id");--> statement-breakpoint
CREATE INDEX "repairs_rupture_at_idx" ON "repairs" USING btree ("rupture_id","at");--> statement-breakpoint
CREATE INDEX "rupture_parts_part_id_idx" ON "rupture_parts" USING btree ("part_id");--> statement-breakpoint
CREATE INDEX "ruptures_relationship_occurred_idx" ON "ruptures" USING btree ("relationship_id","occurred_at");