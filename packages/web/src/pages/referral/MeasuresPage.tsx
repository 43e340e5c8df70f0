// 工作指标: referral turnaround, feedback share, red alert to first contact, counseling hours, per school.
import { useState } from 'react';
import { Card, Input, Space, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useAsync } from '../../app/useAsync';
import { ErrorBox } from '../../components/ErrorBox';
import { OrgUnitSelect } from '../../components/OrgUnitSelect';
import type { CounselingMeasures } from './types';

type Row = CounselingMeasures['rows'][number];
const n = (v: number | null) => (v == null ? '—' : v);

export default function MeasuresPage() {
  const { t } = useTranslation();
  const [unitId, setUnitId] = useState<number | undefined>();
  const [to, setTo] = useState(dayjs().format('YYYY-MM-DD'));
  const [from, setFrom] = useState(dayjs().subtract(89, 'day').format('YYYY-MM-DD'));
  const { data, error, loading, reload } = useAsync((signal) => api.get<CounselingMeasures>('/measures/counseling', { unitId, from, to }, { signal }), [unitId, from, to]);
  const total: Row | null = data ? { schoolId: 0, schoolName: t('referral.measures.total'), ...data.total } : null;
  return (
    <Card title={t('referral.measures.title')}>
      <Space wrap style={{ marginBottom: 12 }}>
        <span>{t('referral.measures.unit')}</span>
        <OrgUnitSelect value={unitId} onChange={setUnitId} maxKind="school" selectableKinds={['city', 'district', 'school']} style={{ width: 240 }} testId="measures-unit" />
        <span>{t('referral.measures.range')}</span>
        <Input type="date" value={from} onChange={(e) => e.target.value && setFrom(e.target.value)} style={{ width: 150 }} />
        <Input type="date" value={to} onChange={(e) => e.target.value && setTo(e.target.value)} style={{ width: 150 }} />
      </Space>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Table<Row> rowKey="schoolId" size="small" loading={loading} scroll={{ x: 1100 }} pagination={false} data-testid="measures-table"
        dataSource={data ? [...data.rows, total!] : []}
        rowClassName={(r) => (r.schoolId === 0 ? 'xy-total-row' : '')}
        columns={[
          { title: t('referral.measures.school'), dataIndex: 'schoolName', fixed: 'left', width: 180, render: (v: string, r) => (r.schoolId === 0 ? <strong>{v}</strong> : v) },
          { title: t('referral.measures.sent'), dataIndex: 'referralsSent' },
          { title: t('referral.measures.accepted'), dataIndex: 'referralsAccepted' },
          { title: t('referral.measures.acceptHours'), key: 'ah', render: (_, r) => n(r.medianAcceptHours) },
          { title: t('referral.measures.withFeedback'), dataIndex: 'referralsWithFeedback' },
          { title: t('referral.measures.feedbackShare'), key: 'fs', render: (_, r) => (r.feedbackShare == null ? '—' : `${Math.round(r.feedbackShare * 100)}%`) },
          { title: t('referral.measures.feedbackDays'), key: 'fd', render: (_, r) => n(r.medianFeedbackDays) },
          { title: t('referral.measures.redAlerts'), dataIndex: 'redAlerts' },
          { title: t('referral.measures.contactHours'), key: 'ch', render: (_, r) => n(r.medianContactHours) },
          { title: t('referral.measures.withoutContact'), dataIndex: 'redAlertsWithoutContact' },
          { title: t('referral.measures.hours'), dataIndex: 'counselingHours' },
        ]} />
      <Typography.Paragraph type="secondary" style={{ marginTop: 12, fontSize: 12 }}>{t('referral.measures.definitions')}</Typography.Paragraph>
    </Card>
  );
}
