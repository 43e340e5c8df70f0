CREATE TABLE "campaign_reminders" (
	"campaign_id" uuid NOT NULL,
	"day" date NOT NULL,
	"students" integer NOT NULL,
	"guardians" integer NOT NULL,
	"teachers" integer NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "campaign_reminders_campaign_id_day_pk" PRIMARY KEY("campaign_id","day")
);
