CREATE TABLE "supervision_dashboard_snapshots" (
	"region_id" integer NOT NULL,
	"year" smallint NOT NULL,
	"unit_id" integer NOT NULL,
	"metric_keys" text NOT NULL,
	"built_at" timestamp with time zone NOT NULL,
	"body" text NOT NULL,
	"schools" text NOT NULL,
	CONSTRAINT "supervision_dashboard_snapshots_region_id_year_unit_id_pk" PRIMARY KEY("region_id","year","unit_id")
);
