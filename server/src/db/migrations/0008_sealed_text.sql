CREATE TABLE "data_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agreements" ALTER COLUMN "rules" DROP DEFAULT;--> statement-breakpoint
-- The rules are kept sealed as text from now on; existing ones stay readable as plain JSON text
-- until start-up seals them (server/src/crypto/keys.ts).
ALTER TABLE "agreements" ALTER COLUMN "rules" SET DATA TYPE text USING "rules"::text;
