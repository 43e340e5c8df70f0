import { App, Button, Card, Empty, Space, Tag, Typography } from 'antd';
import { CalendarOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api, errorMessage } from '../../api/client';
import type { ConsentRequest, Items } from '../../api/types';
import { useAsync } from '../../app/useAsync';
import { ErrorBox } from '../../components/ErrorBox';
import './screening/screening.css';

type Decision = 'granted' | 'refused';

function ConsentCard({ c, onChanged }: { c: ConsentRequest; onChanged: () => void }) {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();

  function decide(decision: Decision) {
    modal.confirm({
      title: decision === 'granted' ? t('answering.consentConfirmGrantTitle') : t('answering.consentConfirmRefuseTitle'),
      content: decision === 'granted' ? t('answering.consentConfirmGrant', { name: c.studentName }) : t('answering.consentConfirmRefuse', { name: c.studentName }),
      okText: t('answering.consentConfirmOk'),
      cancelText: t('answering.consentCancel'),
      okButtonProps: { 'data-testid': 'consent-confirm', ...(decision === 'refused' ? { danger: true } : {}) },
      onOk: () =>
        api
          .post(`/my/consents/${c.campaignId}`, { studentId: c.studentId, decision })
          .then(() => {
            void message.success(t('answering.consentSaved'));
            onChanged();
          })
          .catch((e: unknown) => void message.error(errorMessage(e))),
    });
  }

  const state =
    c.decision === 'granted' ? (
      <Tag color="success" style={{ fontSize: 14 }}>{t('answering.consentGranted')}</Tag>
    ) : c.decision === 'refused' ? (
      <Tag color="default" style={{ fontSize: 14 }}>{t('answering.consentRefused')}</Tag>
    ) : (
      <Tag color="warning" style={{ fontSize: 14 }}>{t('answering.consentPending')}</Tag>
    );

  return (
    <Card
      size="small"
      data-testid={`consent-${c.campaignId}-${c.studentId}`}
      data-decision={c.decision ?? 'pending'}
      title={<span style={{ whiteSpace: 'normal', fontSize: 16 }}>{c.title}</span>}
      extra={state}
    >
      <Space orientation="vertical" size={8} style={{ width: '100%' }} className="xy-ans">
        <div style={{ fontWeight: 500 }}>{t('answering.consentChild', { name: c.studentName })}</div>
        <div className="xy-ans-note">
          <CalendarOutlined /> {t('answering.windowLine', { start: c.window.start, end: c.window.end })}
        </div>
        <div>
          <div style={{ fontWeight: 500, fontSize: 14 }}>{t('answering.purpose')}</div>
          <Typography.Paragraph className="xy-purpose" ellipsis={{ rows: 4, expandable: 'collapsible' }} style={{ marginBottom: 0 }}>
            {c.purpose}
          </Typography.Paragraph>
        </div>
        {c.decision && c.decidedAt && (
          <div className="xy-ans-note" data-testid="consent-decided-at">
            {state} {t('answering.consentDecidedAt', { time: dayjs(c.decidedAt).format('YYYY-MM-DD HH:mm') })}
          </div>
        )}
        <div className="xy-consent-actions">
          {c.decision !== 'granted' && (
            <Button type="primary" onClick={() => decide('granted')} data-testid="consent-grant">
              {c.decision ? t('answering.consentChangeToGrant') : t('answering.consentGrant')}
            </Button>
          )}
          {c.decision !== 'refused' && (
            <Button danger={c.decision === null} onClick={() => decide('refused')} data-testid="consent-refuse">
              {c.decision ? t('answering.consentChangeToRefuse') : t('answering.consentRefuse')}
            </Button>
          )}
        </div>
      </Space>
    </Card>
  );
}

/** A parent's consent requests: each open campaign for each child who needs a guardian's consent. */
export function ConsentSection() {
  const { t } = useTranslation();
  const { data, error, reload, loading } = useAsync((signal) => api.get<Items<ConsentRequest>>('/my/consents', undefined, { signal }), []);
  return (
    <section data-testid="consent-section">
      <Typography.Title level={5}>{t('answering.consentTitle')}</Typography.Title>
      <Typography.Paragraph type="secondary" style={{ fontSize: 14 }}>
        {t('answering.consentHint')}
      </Typography.Paragraph>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      {!loading && data?.items.length === 0 && <Empty description={t('answering.consentEmpty')} />}
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        {data?.items.map((c) => <ConsentCard key={`${c.campaignId}/${c.studentId}`} c={c} onChanged={reload} />)}
      </Space>
    </section>
  );
}

export default ConsentSection;
