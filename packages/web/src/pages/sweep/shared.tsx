/** Pieces the sweep pages share: a sweep's state by its dates, and the units a caller works in for it. */
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import { ROLE_INFO, type Permission } from '@xinyu/core';
import type { Me, OrgUnit, Sweep } from '../../api/types';

export type SweepState = 'upcoming' | 'open' | 'ended';
const STATE_COLOR: Record<SweepState, string> = { upcoming: 'default', open: 'processing', ended: 'success' };

export function sweepState(s: Pick<Sweep, 'start' | 'end'>, today = dayjs().format('YYYY-MM-DD')): SweepState {
  return today < s.start ? 'upcoming' : today > s.end ? 'ended' : 'open';
}

export function SweepStateTag({ sweep }: { sweep: Pick<Sweep, 'start' | 'end'> }) {
  const { t } = useTranslation();
  const state = sweepState(sweep);
  return (
    <Tag color={STATE_COLOR[state]} data-state={state} style={{ marginInlineEnd: 0 }}>
      {t(`sweep.state.${state}`)}
    </Tag>
  );
}

/** The caller's role bindings that carry a permission (a head teacher's class, a leader's school …). */
export function boundUnits(me: Me, permission: Permission): { id: number; path: string }[] {
  const out = new Map<number, string>();
  for (const r of me.roles) {
    if (r.orgUnitId !== null && r.orgPath && (ROLE_INFO[r.role].permissions as readonly string[]).includes(permission)) out.set(r.orgUnitId, r.orgPath);
  }
  return [...out].map(([id, path]) => ({ id, path }));
}

/** A unit's path contains each of its ancestors' ids: /1/5/20/. */
export const isWithin = (path: string, ancestorId: number): boolean => path.includes(`/${ancestorId}/`);

/** The head teacher's classes this sweep covers (opened at or above them). */
export function classesToReview(me: Me, units: readonly OrgUnit[], sweep: Pick<Sweep, 'ownerUnitId'>): OrgUnit[] {
  const byId = new Map(units.map((u) => [u.id, u]));
  return boundUnits(me, 'sweep.review')
    .filter((b) => isWithin(b.path, sweep.ownerUnitId))
    .map((b) => byId.get(b.id))
    .filter((u): u is OrgUnit => u?.kind === 'class');
}

/** A class named with its grade (七年级 1班), as the other pages write it. */
export function className(units: readonly OrgUnit[], u: OrgUnit): string {
  const parent = units.find((x) => x.id === u.parentId);
  return parent?.kind === 'grade' ? `${parent.name} ${u.name}` : u.name;
}
