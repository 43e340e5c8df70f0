import { useState } from 'react';
import { Button, Empty, Select, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import { useCan } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { ErrorBox } from '../../components/ErrorBox';
import { thisYear, type HsOverview } from './shared';

type Row = HsOverview['rows'][number];

/** 家校协同概况: per school (or per class of one school) against the ≥ 1 session a year rule and the credit standard. */
export default function OverviewPage() {
  const { t } = useTranslation();
  const can = useCan();
  const [year, setYear] = useState(thisYear());
  const [schoolId, setSchoolId] = useState<number | undefined>(undefined);
  const { data, error, loading, reload } = useAsync((signal) => api.get<HsOverview>('/homeschool/overview', { year, schoolId }, { signal }), [year, schoolId]);
  const years = Array.from({ length: 4 }, (_, i) => thisYear() - i);
  const cell = (n: number | null, r: Row) => (n == null ? t('homeschool.overview.suppressed') : `${n} / ${r.students}（${r.students ? Math.round((n / r.students) * 1000) / 10 : 0}%）`);
  const schoolLevel = data?.level === 'school';
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="hs-overview-page">
      <Typography.Title level={3} style={{ margin: 0 }}>{t('homeschool.overview.title')}</Typography.Title>
      <Typography.Text type="secondary">{t('homeschool.overview.intro')}</Typography.Text>
      <Space wrap>
        {t('homeschool.common.year')}
        <Select style={{ width: 110 }} value={year} onChange={setYear} options={years.map((y) => ({ value: y, label: String(y) }))} />
        {data && <Tag>{t('homeschool.overview.standard', { n: data.standard })}</Tag>}
        {data && data.level === 'class' && <Tag>{t('homeschool.overview.courses', { n: data.courses })}</Tag>}
        {schoolId && <Button onClick={() => setSchoolId(undefined)}>{t('homeschool.overview.back')}</Button>}
        {schoolLevel && <Typography.Text type="secondary">{t('homeschool.overview.pickSchool')}</Typography.Text>}
        {can('care.manage') && <Link to="/care/parents">{t('homeschool.overview.volunteers')}</Link>}
      </Space>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Table<Row>
        rowKey="unitId"
        size="small"
        loading={loading}
        dataSource={data?.rows ?? []}
        pagination={{ pageSize: 100 }}
        locale={{ emptyText: <Empty /> }}
        onRow={(r) => (schoolLevel ? { onClick: () => setSchoolId(r.unitId), style: { cursor: 'pointer' } } : {})}
        data-testid="hs-overview"
        columns={[
          { title: schoolLevel ? t('homeschool.overview.school') : t('homeschool.overview.class'), dataIndex: 'name' },
          { title: t('homeschool.overview.students'), dataIndex: 'students' },
          { title: t('homeschool.overview.sessions'), dataIndex: 'sessions' },
          { title: t('homeschool.overview.sessionReached'), render: (_, r) => <span data-testid="hs-overview-reach">{cell(r.sessionReached, r)}</span> },
          { title: t('homeschool.overview.rule'), render: (_, r) => (r.meetsRule == null ? '—' : r.meetsRule ? <Tag color="green">{t('homeschool.overview.ruleMet')}</Tag> : <Tag color="orange">{t('homeschool.overview.ruleNotMet')}</Tag>) },
          { title: t('homeschool.overview.courseReached'), render: (_, r) => cell(r.courseReached, r) },
          { title: t('homeschool.overview.standardMet'), render: (_, r) => cell(r.standardMet, r) },
        ]}
      />
    </Space>
  );
}
