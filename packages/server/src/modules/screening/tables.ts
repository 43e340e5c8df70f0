import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * Questionnaires a region imported (its licensed scales). Built-ins live in code
 * (`BUILTIN_INSTRUMENTS` in @xinyu/core) and are never copied here. A version, once imported,
 * is never changed: campaigns refer to (key, version).
 */
export const instruments = pgTable(
  'instruments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    key: text('key').notNull(),
    version: text('version').notNull(),
    titleZh: text('title_zh').notNull(),
    definition: jsonb('definition').notNull(),
    source: text('source', { enum: ['xinyu', 'fhir'] }).notNull(),
    active: boolean('active').notNull().default(true),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('instruments_region_key_version_uq').on(t.regionId, t.key, t.version), index('instruments_region_idx').on(t.regionId, sql`${t.key}`)],
);
