import { EXAMPLE_MULTIFACTOR, PHQ9, toFhirQuestionnaire } from '@xinyu/core';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { setupTestEnv, type Session, type TestEnv } from '../../test/fixture.js';

let env: TestEnv;
let district: Session;
let counselor: Session;
beforeAll(async () => {
  env = await setupTestEnv();
  district = await env.login('district.admin');
  counselor = await env.login('counselor');
});
afterAll(async () => env?.close());

const stored = async () => (await rows<{ n: number }>(env.deps.db, sql`select count(*)::int as n from instruments`))[0]!.n;

describe('instrument registry', () => {
  it('lists the built-ins to staff, not to students', async () => {
    const list = (await counselor.get('/api/v1/instruments')).json<{ items: { key: string; builtIn: boolean; itemCount: number }[] }>().items;
    expect(list.filter((i) => i.builtIn).map((i) => i.key)).toEqual(expect.arrayContaining([PHQ9.id]));
    expect(list.find((i) => i.key === PHQ9.id)?.itemCount).toBe(PHQ9.items.length); // 9 scored items and the unscored difficulty question
    expect((await (await env.login('student')).get('/api/v1/instruments')).statusCode).toBe(403);
    const def = await counselor.get(`/api/v1/instruments/${PHQ9.id}/${PHQ9.version}`);
    expect(def.json().items).toHaveLength(PHQ9.items.length);
  });

  it('a bureau imports its scale once per version; every problem of a bad one is named and nothing is stored', async () => {
    const bad = { ...EXAMPLE_MULTIFACTOR, id: 'region-scale', scales: [{ ...EXAMPLE_MULTIFACTOR.scales[0]!, items: ['no-such-item'] }] };
    const rejected = await district.post('/api/v1/instruments', { format: 'xinyu', document: bad });
    expect(rejected.statusCode).toBe(400);
    expect(Object.keys(rejected.json().error.fields).some((k) => k.startsWith('document.scales[0]'))).toBe(true);
    expect(await stored()).toBe(0);

    const good = { ...EXAMPLE_MULTIFACTOR, id: 'region-scale', version: '2026.1' };
    const ok = await district.post('/api/v1/instruments', { format: 'xinyu', document: good });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ key: 'region-scale', version: '2026.1', builtIn: false, source: 'xinyu' });
    expect((await district.post('/api/v1/instruments', { format: 'xinyu', document: good })).statusCode).toBe(409);
    expect((await district.post('/api/v1/instruments', { format: 'xinyu', document: { ...PHQ9 } })).statusCode).toBe(409);

    // the same scale as a FHIR Questionnaire, as a new version
    const fhir = toFhirQuestionnaire({ ...good, version: '2026.2' }) as Record<string, unknown>;
    const viaFhir = await district.post('/api/v1/instruments', { format: 'fhir', document: fhir });
    expect(viaFhir.statusCode).toBe(200);
    expect(viaFhir.json().source).toBe('fhir');
    expect(await stored()).toBe(2);

    // the region's counselors see it; it round-trips to FHIR
    const list = (await counselor.get('/api/v1/instruments')).json<{ items: { key: string; version: string }[] }>().items;
    expect(list.filter((i) => i.key === 'region-scale').map((i) => i.version)).toEqual(['2026.1', '2026.2']);
    const exported = (await counselor.get('/api/v1/instruments/region-scale/2026.1/fhir')).json();
    expect(exported.resourceType).toBe('Questionnaire');
    expect((await counselor.get('/api/v1/instruments/region-scale/9.9')).statusCode).toBe(404);
  });

  it('schools cannot import', async () => {
    const leader = await env.login('school.leader');
    expect((await leader.post('/api/v1/instruments', { format: 'xinyu', document: { ...EXAMPLE_MULTIFACTOR, id: 'x' } })).statusCode).toBe(403);
  });
});
