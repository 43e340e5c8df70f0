// A crisis case's referrals and return plan, for the case page (H3): links, and 发起转介.
import { Button, Card, Empty, Space, Table } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import { useCan } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { ErrorBox } from '../../components/ErrorBox';
import { referralColumns } from './ReferralPages';
import { returnColumns } from './ReturnPages';
import type { Paged, Referral, ReturnPlan } from './types';

export function CaseReferrals({ caseId, studentId }: { caseId: string; studentId: string }) {
  const { t } = useTranslation();
  const can = useCan();
  const refs = useAsync((signal) => api.get<Paged<Referral>>('/referrals', { caseId, pageSize: 50 }, { signal }), [caseId]);
  // the student's plans: one made directly for a student back from treatment may not name the case
  const plans = useAsync((signal) => api.get<Paged<ReturnPlan>>('/returns', { studentId, pageSize: 20 }, { signal }), [studentId]);
  const planList = (plans.data?.items ?? []).filter((p) => p.caseId === caseId || p.caseId == null || p.status === 'active');
  return (
    <Card size="small" title={t('referral.caseCard.title')} data-testid="case-referrals"
      extra={can('crisis.manage') && <Link to={`/referrals/new?caseId=${caseId}&studentId=${studentId}`}><Button size="small" type="primary" icon={<PlusOutlined />} data-testid="case-referral-new">{t('referral.caseCard.start')}</Button></Link>}>
      {refs.error !== undefined && <ErrorBox error={refs.error} onRetry={refs.reload} />}
      {plans.error !== undefined && <ErrorBox error={plans.error} onRetry={plans.reload} />}
      <Space orientation="vertical" style={{ width: '100%' }}>
        {refs.data && refs.data.items.length === 0 ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('referral.caseCard.none')} /> : (
          <Table<Referral> rowKey="id" size="small" pagination={false} loading={refs.loading} dataSource={refs.data?.items ?? []} columns={referralColumns(t).filter((c) => c.key !== 'by')} />
        )}
        {planList.length > 0 && <Table<ReturnPlan> rowKey="id" size="small" pagination={false} dataSource={planList} columns={returnColumns(t)} title={() => t('referral.caseCard.plan')} />}
      </Space>
    </Card>
  );
}
