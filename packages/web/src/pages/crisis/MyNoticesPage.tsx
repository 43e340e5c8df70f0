import { Card, Empty, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { Items } from '../../api/types';
import { useAsync } from '../../app/useAsync';
import { ErrorBox } from '../../components/ErrorBox';
import { fmt } from '../warning/shared';
import type { GuardianNotice } from './types';
import '../self/screening/screening.css';

/** 学校通知 (phone, 375 px): what the school sent to this parent about their own children. */
export default function MyNoticesPage() {
  const { t } = useTranslation();
  const { data, error, loading, reload } = useAsync((signal) => api.get<Items<GuardianNotice>>('/me/guardian-notices', undefined, { signal }), []);
  const children = new Set((data?.items ?? []).map((n) => n.studentId));
  return (
    <div className="xy-ans" data-testid="my-notices">
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        <div className="xy-ans-card">
          <h2 style={{ margin: 0 }}>{t('crisis.home.notices')}</h2>
        </div>
        {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
        {!loading && !error && !data?.items.length && <Empty description={t('crisis.home.empty')} />}
        {(data?.items ?? []).map((n) => (
          <Card key={n.id} size="small" data-testid="my-notice">
            <strong style={{ fontSize: 16, display: 'block', marginBottom: 4 }}>{n.title}</strong>
            {children.size > 1 && <Typography.Text type="secondary" style={{ display: 'block' }}>{t('crisis.home.about', { name: n.studentName })}</Typography.Text>}
            <p style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word', margin: '4px 0', fontSize: 15, lineHeight: 1.6 }}>{n.body}</p>
            <Typography.Text type="secondary" style={{ fontSize: 13 }}>{t('crisis.home.from', { name: n.sentByName ?? '', at: fmt(n.sentAt) })}</Typography.Text>
          </Card>
        ))}
      </Space>
    </div>
  );
}
