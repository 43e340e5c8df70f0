CREATE TABLE "supervision_metric_cache" (
	"region_id" integer NOT NULL,
	"year" smallint NOT NULL,
	"metric_key" text NOT NULL,
	"school_id" integer NOT NULL,
	"numerator" double precision NOT NULL,
	"denominator" double precision NOT NULL,
	CONSTRAINT "supervision_metric_cache_region_id_year_metric_key_school_id_pk" PRIMARY KEY("region_id","year","metric_key","school_id")
);
--> statement-breakpoint
CREATE TABLE "supervision_metric_cache_state" (
	"region_id" integer NOT NULL,
	"year" smallint NOT NULL,
	"metric_key" text NOT NULL,
	"computed_at" timestamp with time zone NOT NULL,
	"duration_ms" integer NOT NULL,
	CONSTRAINT "supervision_metric_cache_state_region_id_year_metric_key_pk" PRIMARY KEY("region_id","year","metric_key")
);
