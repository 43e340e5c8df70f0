import { useMemo, useState } from 'react';
import { Alert, Card, Col, DatePicker, Row, Select, Space, Statistic, Switch, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link, Navigate } from 'react-router-dom';
import { api } from '../../api/client';
import { useAsync } from '../../app/useAsync';
import { ErrorBox } from '../../components/ErrorBox';
import { LEVEL_TARGETS } from '@xinyu/core';
import { MetTag, pct, ShareTag, type Overview, type SchoolRow } from './shared';
import { StudiosPanel } from './StudiosPanel';
import { ImportTrainings } from './ImportTrainings';
import { useCan } from '../../app/session';

function ProblemList({ title, schools, type }: { title: string; schools: SchoolRow[]; type: 'error' | 'warning' }) {
  if (!schools.length) return null;
  return (
    <Alert
      type={type}
      showIcon
      title={title}
      description={
        <Space wrap size={[4, 4]}>
          {schools.slice(0, 30).map((s) => (
            <Link key={s.schoolId} to={`/workforce/schools/${s.schoolId}`}>
              <Tag>{s.schoolName}</Tag>
            </Link>
          ))}
          {schools.length > 30 && <span>…</span>}
        </Space>
      }
    />
  );
}

/** 队伍建设一览: every school in scope, its staffing against the rule, certification and levels against the targets, training hours. */
export default function OverviewPage() {
  const { t } = useTranslation();
  const can = useCan();
  const [asOf, setAsOf] = useState<Dayjs>(dayjs());
  const [district, setDistrict] = useState<number | 'all'>('all');
  const [onlyProblems, setOnlyProblems] = useState(false);
  const { data, error, reload, loading } = useAsync((signal) => api.get<Overview>('/workforce/overview', { asOf: asOf.format('YYYY-MM-DD') }, { signal }), [asOf.format('YYYY-MM-DD')]);
  const districts = useMemo(() => {
    const m = new Map<number, string>();
    for (const s of data?.schools ?? []) if (s.districtId != null) m.set(s.districtId, s.districtName ?? '');
    return [...m].map(([value, label]) => ({ value, label }));
  }, [data]);
  const schools = (data?.schools ?? []).filter((s) => district === 'all' || s.districtId === district);
  const shown = onlyProblems ? schools.filter((s) => s.problems.length) : schools;
  const sum = (k: 'students' | 'fullTime' | 'partTime' | 'requiredFullTime' | 'counselors' | 'counselorsCertified' | 'levelC' | 'levelB' | 'levelA' | 'headTeachers' | 'headTeachersCertified' | 'expiredCertificates' | 'trainingHours') => schools.reduce((a, s) => a + s[k], 0);
  if (data && data.schools.length === 1) return <Navigate to={`/workforce/schools/${data.schools[0]!.schoolId}`} replace />;
  const targets = data?.targets ?? LEVEL_TARGETS;
  const counselors = sum('counselors');
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="workforce-overview">
      <Typography.Title level={4} style={{ margin: 0 }}>{t('workforce.title')}</Typography.Title>
      <Typography.Text type="secondary">{t('workforce.overview.intro')}</Typography.Text>
      <Space wrap>
        {t('workforce.common.asOf')}
        <DatePicker allowClear={false} value={asOf} disabledDate={(d) => d.isAfter(dayjs(), 'day')} onChange={(d) => d && setAsOf(d)} />
        {districts.length > 1 && (
          <Select<number | 'all'> style={{ width: 160 }} value={district} onChange={setDistrict} options={[{ value: 'all', label: t('workforce.common.all') }, ...districts]} data-testid="workforce-district" />
        )}
        <Switch checked={onlyProblems} onChange={setOnlyProblems} /> {t('workforce.overview.onlyProblems')}
        <Link to="/staff">{t('workforce.overview.staffLink')}</Link>
        {can('workforce.manage') && <ImportTrainings onImported={reload} />}
      </Space>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      {data && (
        <Row gutter={[12, 12]}>
          <Col xs={12} md={6} xl={3}><Card size="small"><Statistic title={t('workforce.overview.schools')} value={schools.length} /></Card></Col>
          <Col xs={12} md={6} xl={3}><Card size="small"><Statistic title={t('workforce.overview.withCounselor')} value={schools.filter((s) => s.hasCounselor).length} suffix={`/ ${schools.length}`} /></Card></Col>
          <Col xs={12} md={6} xl={3}><Card size="small"><Statistic title={t('workforce.overview.compliant')} value={schools.filter((s) => s.compliant).length} suffix={`/ ${schools.length}`} /></Card></Col>
          <Col xs={12} md={6} xl={3}><Card size="small"><Statistic title={t('workforce.overview.counselors')} value={`${sum('fullTime')} / ${sum('partTime')}`} /></Card></Col>
          <Col xs={12} md={6} xl={3}><Card size="small"><Statistic title={t('workforce.overview.counselorCert')} value={pct(sum('counselorsCertified'), counselors)} /></Card></Col>
          <Col xs={12} md={6} xl={3}><Card size="small"><Statistic title={t('workforce.overview.headCert')} value={pct(sum('headTeachersCertified'), sum('headTeachers'))} /></Card></Col>
          <Col xs={12} md={6} xl={3}>
            <Card size="small">
              <div style={{ color: 'rgba(0,0,0,0.45)', marginBottom: 6 }}>{t('workforce.overview.levels')}</div>
              <Space size={2}>
                <ShareTag n={sum('levelC')} d={counselors} target={targets.C} testId="share-c" />
                <ShareTag n={sum('levelB')} d={counselors} target={targets.B} testId="share-b" />
                <ShareTag n={sum('levelA')} d={counselors} target={targets.A} testId="share-a" />
              </Space>
              <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)', marginTop: 4 }}>{t('workforce.overview.target')} {targets.C}% / ≥{targets.B}% / ≥{targets.A}%</div>
            </Card>
          </Col>
          <Col xs={12} md={6} xl={3}><Card size="small"><Statistic title={t('workforce.overview.hours')} value={Math.round(sum('trainingHours') * 10) / 10} /></Card></Col>
        </Row>
      )}
      {data && (
        <Space orientation="vertical" size={8} style={{ width: '100%' }} data-testid="workforce-problems">
          <ProblemList type="error" title={t('workforce.overview.noneTitle', { n: schools.filter((s) => !s.hasCounselor).length })} schools={schools.filter((s) => !s.hasCounselor)} />
          <ProblemList type="error" title={t('workforce.overview.underTitle', { n: schools.filter((s) => !s.meetsRatio).length })} schools={schools.filter((s) => !s.meetsRatio)} />
          <ProblemList type="warning" title={t('workforce.overview.expiredTitle', { n: schools.filter((s) => s.expiredCertificates > 0).length })} schools={schools.filter((s) => s.expiredCertificates > 0)} />
          {schools.every((s) => !s.problems.length) && <Alert type="success" showIcon title={t('workforce.overview.noProblems')} />}
        </Space>
      )}
      <Table<SchoolRow>
        rowKey="schoolId"
        size="small"
        loading={loading}
        dataSource={shown}
        pagination={{ pageSize: 50, showSizeChanger: false }}
        scroll={{ x: 'max-content' }}
        data-testid="workforce-schools"
        columns={[
          ...(districts.length > 1 ? [{ title: t('workforce.overview.district'), dataIndex: 'districtName', width: 80 }] : []),
          { title: t('workforce.overview.school'), render: (_, s) => <Link to={`/workforce/schools/${s.schoolId}`}>{s.schoolName}</Link>, width: 150 },
          { title: t('workforce.overview.students'), dataIndex: 'students', align: 'right', width: 80 },
          { title: t('workforce.overview.fullTime'), dataIndex: 'fullTime', align: 'right', width: 60 },
          { title: t('workforce.overview.partTime'), dataIndex: 'partTime', align: 'right', width: 60 },
          { title: t('workforce.overview.required'), dataIndex: 'requiredFullTime', align: 'right', width: 80 },
          { title: t('workforce.overview.staffing'), render: (_, s) => <MetTag ok={s.compliant} />, width: 80 },
          { title: t('workforce.overview.counselorCert'), render: (_, s) => <ShareTag n={s.counselorsCertified} d={s.counselors} /> },
          { title: t('workforce.overview.levels'), render: (_, s) => <Space size={0}><ShareTag n={s.levelC} d={s.counselors} target={targets.C} /><ShareTag n={s.levelB} d={s.counselors} target={targets.B} /><ShareTag n={s.levelA} d={s.counselors} target={targets.A} /></Space>, width: 170 },
          { title: t('workforce.overview.headCert'), render: (_, s) => <ShareTag n={s.headTeachersCertified} d={s.headTeachers} /> },
          { title: t('workforce.overview.hours'), dataIndex: 'trainingHours', align: 'right', width: 100 },
          { title: t('workforce.overview.problems'), width: 180, render: (_, s) => (s.problems.length ? <Typography.Text type="danger">{s.problems.join('；')}</Typography.Text> : null) },
        ]}
      />
      <Card size="small" title={t('workforce.studio.title')}>
        <StudiosPanel />
      </Card>
    </Space>
  );
}
