import { Breadcrumb, Card, Space, Tabs, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api } from '../../api/client';
import type { OrgUnit } from '../../api/types';
import { ancestors, schoolOf, useOrgTree } from '../../app/orgTree';
import { useCan } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { ErrorBox } from '../../components/ErrorBox';
import { Loading } from '../../components/Loading';
import { StaffTable } from '../../components/StaffTable';
import { StudentTable } from '../../components/StudentTable';
import { UnitActions, UnitInfo } from './OrgTreePage';

/** A school, grade or class (or district) page: the unit, its sub-units and its students. */
export default function UnitPage() {
  const { t } = useTranslation();
  const can = useCan();
  const id = Number(useParams().id);
  const { units } = useOrgTree();
  const { data: unit, error, loading, reload } = useAsync((signal) => api.get<OrgUnit>(`/org/units/${id}`, undefined, { signal }), [id]);

  if (loading && !unit) return <Loading />;
  if (error !== undefined || !unit) return <ErrorBox error={error} onRetry={reload} />;
  const path = ancestors(units, unit);
  const children = units.filter((u) => u.parentId === unit.id && u.active);

  const tabs = [];
  if (can('student.read')) tabs.push({ key: 'students', label: t('org.students'), children: <StudentTable orgUnitId={unit.id} newClassId={unit.kind === 'class' ? unit.id : undefined} /> });
  if (can('staff.read') && unit.kind !== 'grade') tabs.push({ key: 'staff', label: t('org.staff'), children: <StaffTable orgUnitId={unit.id} newSchoolId={schoolOf([...units, unit], unit.id)?.id} /> });

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid={`unit-page-${unit.kind}`}>
      <Breadcrumb
        items={[
          { title: <Link to="/org">{t('org.title')}</Link> },
          ...path.map((p) => ({ title: <Link to={`/org/units/${p.id}`}>{p.name}</Link> })),
          { title: unit.name },
        ]}
      />
      <Card
        title={
          <Space>
            <span data-testid="unit-title">{unit.name}</span>
            <Tag>{t(`orgKind.${unit.kind}`)}</Tag>
          </Space>
        }
      >
        <UnitInfo unit={unit} units={units} />
        {can('org.write') && (
          <div style={{ marginTop: 12 }}>
            <UnitActions unit={unit} onChanged={reload} />
          </div>
        )}
      </Card>
      {children.length > 0 && (
        <Card size="small" title={t('org.children')}>
          <Space wrap>
            {children.map((c) => (
              <Link key={c.id} to={`/org/units/${c.id}`}>
                <Tag color="blue" style={{ padding: '2px 8px' }}>
                  {c.name} · {c.studentCount}
                </Tag>
              </Link>
            ))}
          </Space>
        </Card>
      )}
      {tabs.length > 0 && (
        <Card>
          <Tabs items={tabs} />
        </Card>
      )}
    </Space>
  );
}
