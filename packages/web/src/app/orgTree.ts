import { useEffect, useState } from 'react';
import type { OrgKind } from '@xinyu/core';
import { api } from '../api/client';
import type { Items, OrgUnit } from '../api/types';

/** The org units the caller may see, fetched once and shared by every page until invalidated. */
let cache: Promise<OrgUnit[]> | null = null;
const subscribers = new Set<() => void>();

export function loadOrgTree(): Promise<OrgUnit[]> {
  cache ??= api.get<Items<OrgUnit>>('/org/tree').then(
    (r) => r.items,
    (e: unknown) => {
      cache = null;
      throw e;
    },
  );
  return cache;
}

export function invalidateOrgTree(): void {
  cache = null;
  for (const fn of subscribers) fn();
}

export function useOrgTree(): { units: OrgUnit[]; loading: boolean; error: unknown } {
  const [units, setUnits] = useState<OrgUnit[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(undefined);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const fn = () => setVersion((v) => v + 1);
    subscribers.add(fn);
    return () => {
      subscribers.delete(fn);
    };
  }, []);
  useEffect(() => {
    let live = true;
    setLoading(true);
    loadOrgTree()
      .then((u) => {
        if (live) {
          setUnits(u);
          setError(undefined);
          setLoading(false);
        }
      })
      .catch((e: unknown) => {
        if (live) {
          setError(e);
          setLoading(false);
        }
      });
    return () => {
      live = false;
    };
  }, [version]);
  return { units, loading, error };
}

export interface UnitNode {
  key: number;
  value: number;
  title: string;
  /** the name shown once chosen: a class with its grade (七年级 2班) */
  label: string;
  kind: OrgKind;
  active: boolean;
  unit: OrgUnit;
  children?: UnitNode[];
  selectable?: boolean;
  disabled?: boolean;
}

const KIND_ORDER: Record<OrgKind, number> = { city: 0, district: 1, school: 2, grade: 3, class: 4 };

/** Builds a nested tree from the flat list; units whose parent is not visible become roots. */
export function buildTree(units: OrgUnit[], opts: { maxKind?: OrgKind; selectableKinds?: OrgKind[]; includeInactive?: boolean } = {}): UnitNode[] {
  const maxOrder = opts.maxKind ? KIND_ORDER[opts.maxKind] : 4;
  const visible = units.filter((u) => KIND_ORDER[u.kind] <= maxOrder && (opts.includeInactive !== false || u.active));
  const byId = new Map<number, UnitNode>();
  for (const u of visible) {
    byId.set(u.id, {
      key: u.id,
      value: u.id,
      title: u.name,
      label: u.name,
      kind: u.kind,
      active: u.active,
      unit: u,
      selectable: opts.selectableKinds ? opts.selectableKinds.includes(u.kind) : true,
    });
  }
  const roots: UnitNode[] = [];
  for (const u of visible) {
    const node = byId.get(u.id)!;
    const parent = u.parentId === null ? undefined : byId.get(u.parentId);
    if (parent) (parent.children ??= []).push(node);
    if (parent && u.kind === 'class') node.label = `${parent.title} ${u.name}`;
    else roots.push(node);
  }
  const sort = (nodes: UnitNode[]) => {
    nodes.sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.unit.gradeLevel ?? 0) - (b.unit.gradeLevel ?? 0) || a.title.localeCompare(b.title, 'zh-CN', { numeric: true }));
    for (const n of nodes) if (n.children) sort(n.children);
  };
  sort(roots);
  return roots;
}

/** Ancestors of a unit, root first, from its materialised path or parent links. */
export function ancestors(units: OrgUnit[], unit: OrgUnit): OrgUnit[] {
  const byId = new Map(units.map((u) => [u.id, u]));
  const out: OrgUnit[] = [];
  let p = unit.parentId === null ? undefined : byId.get(unit.parentId);
  while (p) {
    out.unshift(p);
    p = p.parentId === null ? undefined : byId.get(p.parentId);
  }
  return out;
}

/** The school a unit belongs to (the unit itself when it is one). */
export function schoolOf(units: OrgUnit[], unitId: number | null | undefined): OrgUnit | undefined {
  if (unitId == null) return undefined;
  const byId = new Map(units.map((u) => [u.id, u]));
  let u = byId.get(unitId);
  while (u && u.kind !== 'school') u = u.parentId === null ? undefined : byId.get(u.parentId);
  return u;
}

/** The grade level of a class (from its grade) or of a grade. */
export function gradeLevelOf(units: OrgUnit[], unitId: number | null | undefined): number | undefined {
  if (unitId == null) return undefined;
  const u = units.find((x) => x.id === unitId);
  if (!u) return undefined;
  if (u.gradeLevel !== null) return u.gradeLevel;
  const parent = units.find((x) => x.id === u.parentId);
  return parent?.kind === 'grade' ? (parent.gradeLevel ?? undefined) : undefined;
}

/** The school year now: it starts in the autumn (from August, as the server's roster import counts it). */
export function currentSchoolYear(now = new Date()): number {
  return now.getMonth() >= 7 ? now.getFullYear() : now.getFullYear() - 1;
}
