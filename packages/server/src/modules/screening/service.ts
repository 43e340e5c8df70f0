import { BUILTIN_INSTRUMENTS, fromFhirQuestionnaire, InstrumentDefinitionError, loadInstrument, toFhirQuestionnaire, type contracts, type InstrumentDefinition } from '@xinyu/core';
import { and, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { badRequest, conflict, notFound } from '../../http/errors.js';
import { homePath } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { instruments } from './tables.js';

type Summary = z.infer<typeof contracts.InstrumentSummary>;

function summarise(def: InstrumentDefinition, source: Summary['source']): Summary {
  return {
    key: def.id,
    version: def.version,
    title: def.title,
    licence: def.licence.text,
    builtIn: source === 'builtin',
    source,
    itemCount: def.items.length,
    scales: def.scales.map((s) => ({ id: s.id, name: s.name })),
    gradeLevels: def.audience.gradeLevels,
  };
}

/** Built-ins first, then the caller's region's imported questionnaires. */
export async function listInstruments(db: Db, caller: Caller): Promise<Summary[]> {
  const own = await db.select().from(instruments).where(and(eq(instruments.regionId, caller.regionId), eq(instruments.active, true))).orderBy(instruments.key, instruments.version);
  return [
    ...Object.values(BUILTIN_INSTRUMENTS).map((d) => summarise(d, 'builtin')),
    ...own.map((r) => summarise(r.definition as InstrumentDefinition, r.source)),
  ];
}

/**
 * Imported definitions never change once stored (a new version is a new row), so they are cached
 * for the answering hot path; at most a few hundred per region.
 */
const definitionCache = new Map<string, InstrumentDefinition>();

/** A definition by key and version: a built-in, or one imported by the region; else 404. */
export async function getInstrumentInRegion(db: Db, regionId: number, key: string, version: string): Promise<InstrumentDefinition> {
  const builtin = BUILTIN_INSTRUMENTS[key];
  if (builtin && builtin.version === version) return builtin;
  const cacheKey = `${regionId}|${key}|${version}`;
  const cached = definitionCache.get(cacheKey);
  if (cached) return cached;
  const found = await db.select().from(instruments).where(and(eq(instruments.regionId, regionId), eq(instruments.key, key), eq(instruments.version, version)));
  if (!found[0]) throw notFound();
  // stored definitions were validated on import; loading again guards against hand edits
  const def = loadInstrument(found[0].definition);
  if (definitionCache.size > 1000) definitionCache.clear();
  definitionCache.set(cacheKey, def);
  return def;
}

export function getInstrument(db: Db, caller: Caller, key: string, version: string): Promise<InstrumentDefinition> {
  return getInstrumentInRegion(db, caller.regionId, key, version);
}

/**
 * Imports a region's questionnaire. Every problem of the definition is reported (by path) and
 * nothing is stored; a (key, version) already present, or a built-in's key, is a conflict.
 */
export async function importInstrument(deps: Deps, caller: Caller, body: z.infer<typeof contracts.ImportInstrumentBody>): Promise<Summary> {
  let def: InstrumentDefinition;
  try {
    def = body.format === 'fhir' ? fromFhirQuestionnaire(body.document) : loadInstrument(body.document);
  } catch (e) {
    if (e instanceof InstrumentDefinitionError) {
      const fields: Record<string, string> = {};
      for (const p of e.problems.slice(0, 100)) fields[`document${p.path ? `.${p.path}` : ''}`] = p.message;
      throw badRequest(`量表定义有 ${e.problems.length} 处问题，未导入`, fields);
    }
    throw badRequest('无法读取量表定义', { document: e instanceof Error ? e.message.slice(0, 300) : '无法读取' });
  }
  if (BUILTIN_INSTRUMENTS[def.id]) throw conflict('与内置量表同名', { 'document.id': `“${def.id}”是内置量表，请换一个标识` });
  return deps.db.transaction(async (tx) => {
    const dup = await tx.select({ id: instruments.id }).from(instruments).where(and(eq(instruments.regionId, caller.regionId), eq(instruments.key, def.id), eq(instruments.version, def.version)));
    if (dup.length) throw conflict('该量表的这个版本已导入', { 'document.version': `“${def.id}”的版本 ${def.version} 已存在；修改后请使用新的版本号` });
    await tx.insert(instruments).values({ regionId: caller.regionId, key: def.id, version: def.version, titleZh: def.title['zh-CN'], definition: def, source: body.format, createdBy: caller.accountId });
    await appendAudit(tx, { actorId: caller.accountId, actorName: caller.displayName, ip: caller.ip, action: 'instrument.import', objectType: 'instrument', objectId: `${def.id}@${def.version}`, orgPath: homePath(caller.assignments), detail: { format: body.format, items: def.items.length } }, deps.clock());
    return summarise(def, body.format);
  });
}

export function exportFhir(def: InstrumentDefinition): unknown {
  return toFhirQuestionnaire(def);
}
