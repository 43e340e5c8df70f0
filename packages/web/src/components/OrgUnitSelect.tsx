import { useMemo } from 'react';
import { TreeSelect } from 'antd';
import type { OrgKind } from '@xinyu/core';
import { buildTree, useOrgTree } from '../app/orgTree';

interface Props {
  value?: number | null;
  onChange?: (id: number | undefined) => void;
  /** Only these kinds can be chosen (others are shown for context). */
  selectableKinds?: OrgKind[];
  /** Do not show units below this kind. */
  maxKind?: OrgKind;
  placeholder?: string;
  allowClear?: boolean;
  style?: React.CSSProperties;
  includeInactive?: boolean;
  testId?: string;
  disabledIds?: number[];
  /** Only this unit and the units below it (e.g. the classes of one school). */
  withinId?: number;
  disabled?: boolean;
}

export function OrgUnitSelect({ value, onChange, selectableKinds, maxKind, placeholder, allowClear = true, style, includeInactive = false, testId, disabledIds, withinId, disabled = false }: Props) {
  const { units, loading } = useOrgTree();
  const treeData = useMemo(() => {
    const scoped = withinId === undefined ? units : units.filter((u) => u.path.includes(`/${withinId}/`));
    const tree = buildTree(scoped, { maxKind, selectableKinds, includeInactive });
    if (disabledIds?.length) {
      const dis = new Set(disabledIds);
      const walk = (nodes: typeof tree) => {
        for (const n of nodes) {
          if (dis.has(n.key)) n.disabled = true;
          if (n.children) walk(n.children);
        }
      };
      walk(tree);
    }
    return tree;
  }, [units, maxKind, selectableKinds, includeInactive, disabledIds, withinId]);
  return (
    <TreeSelect<number>
      data-testid={testId}
      value={value ?? undefined}
      onChange={(v) => onChange?.(v ?? undefined)}
      treeData={treeData}
      treeNodeLabelProp="label"
      loading={loading}
      showSearch={{ treeNodeFilterProp: 'title' }}
      allowClear={allowClear}
      disabled={disabled}
      placeholder={placeholder}
      style={{ minWidth: 220, ...style }}
      popupMatchSelectWidth={false}
      treeDefaultExpandAll={units.length < 60 || withinId !== undefined}
    />
  );
}
