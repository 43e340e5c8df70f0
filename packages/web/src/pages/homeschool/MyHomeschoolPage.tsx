import { useState } from 'react';
import { Alert, Button, Card, Empty, Input, Progress, Space, Tag, Typography } from 'antd';
import { CheckCircleFilled, PlayCircleOutlined, ReadOutlined, RightOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, ApiError, errorMessage } from '../../api/client';
import { useAsync } from '../../app/useAsync';
import { useSendOnce } from '../../app/useSendOnce';
import { ErrorBox } from '../../components/ErrorBox';
import type { CheckInResult, CreditStatus, MyHomeschool } from './shared';
import '../self/screening/screening.css';

export function CreditsCard({ credits }: { credits: CreditStatus }) {
  const { t } = useTranslation();
  const pct = credits.standard > 0 ? Math.min(100, Math.round((credits.earned / credits.standard) * 100)) : 100;
  return (
    <div className="xy-ans-card" data-testid="hs-credits">
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 8 }}>
        <strong>{t('homeschool.my.credits')}</strong>
        {credits.met ? <Tag color="green">{t('homeschool.my.met')}</Tag> : <Tag color="orange">{t('homeschool.my.remaining', { n: credits.remaining })}</Tag>}
      </div>
      <div style={{ fontSize: 22, fontWeight: 600, margin: '6px 0' }} data-testid="hs-credits-value">
        {t('homeschool.my.creditsOf', { earned: credits.earned, standard: credits.standard })}
      </div>
      <Progress percent={pct} showInfo={false} status={credits.met ? 'success' : 'active'} />
    </div>
  );
}

function CheckInCard({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const { busy, problem, send } = useSendOnce();
  const submit = () =>
    send(
      async () => {
        const r = await api.post<CheckInResult>('/homeschool/my/checkin', { code: code.trim() });
        setDone(r.session.topic);
        setCode('');
        onDone();
      },
      // 404: unknown code or another school's session; 400 says why (not begun yet, closed)
      (e) => (e instanceof ApiError && e.status === 404 ? t('homeschool.my.badCode') : errorMessage(e)),
    );
  return (
    <div className="xy-ans-card" data-testid="hs-checkin">
      <div style={{ display: 'flex', gap: 8 }}>
        <Input value={code} onChange={(e) => setCode(e.target.value.toUpperCase())} placeholder={t('homeschool.my.checkInPlaceholder')} maxLength={12} style={{ fontSize: 16, minWidth: 0 }} onPressEnter={() => void submit()} data-testid="hs-checkin-code" />
        <Button type="primary" disabled={code.trim().length < 4} loading={busy} onClick={() => void submit()} style={{ flex: 'none' }} data-testid="hs-checkin-submit">
          {t('homeschool.my.checkIn')}
        </Button>
      </div>
      {problem && <Alert type="error" showIcon title={problem} style={{ marginTop: 8 }} data-testid="hs-checkin-error" />}
      {done && <Alert type="success" showIcon title={t('homeschool.my.checkedIn', { topic: done })} style={{ marginTop: 8 }} data-testid="hs-checkin-done" />}
    </div>
  );
}

/** 家长学校 on the parent's phone: credits, courses, and the children's parent sessions with check-in. */
export default function MyHomeschoolPage() {
  const { t } = useTranslation();
  const { data, error, reload, loading } = useAsync((signal) => api.get<MyHomeschool>('/homeschool/my', undefined, { signal }), []);
  return (
    <div className="xy-ans" data-testid="hs-my">
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        <div className="xy-ans-card">
          <h2 style={{ margin: '0 0 4px' }}>{t('homeschool.my.title')}</h2>
          <p className="xy-ans-note" style={{ margin: 0 }}>{t('homeschool.my.intro')}</p>
        </div>
        {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
        {data && <CreditsCard credits={data.credits} />}
        <Typography.Title level={5} style={{ margin: '8px 0 0' }}>{t('homeschool.my.courses')}</Typography.Title>
        {!loading && data?.courses.length === 0 && <Empty description={t('homeschool.my.noCourses')} />}
        {data?.courses.map((c) => (
          <Card key={c.id} size="small" styles={{ body: { padding: 0 } }}>
            <Link to={`/m/parentschool/courses/${c.id}`} className="xy-task-row" style={{ border: 0 }} data-testid="hs-course">
              <span className="xy-task-name" style={{ display: 'flex', alignItems: 'center', gap: 10, minWidth: 0 }}>
                {c.kind === 'video' ? <PlayCircleOutlined style={{ fontSize: 20, color: '#1677ff', flex: 'none' }} /> : <ReadOutlined style={{ fontSize: 20, color: '#1677ff', flex: 'none' }} />}
                <span style={{ minWidth: 0, overflowWrap: 'anywhere' }}>
                  {c.title}
                  <span className="xy-task-sub">
                    {t('homeschool.my.minutes', { n: c.minutes })} · {t('homeschool.my.credits1', { n: c.credits })} · {c.ownerName}
                  </span>
                </span>
              </span>
              <span className="xy-task-state" style={{ flex: 'none' }}>
                {c.learned ? <CheckCircleFilled style={{ color: '#52c41a' }} data-testid="hs-course-learned" /> : <RightOutlined />}
              </span>
            </Link>
          </Card>
        ))}
        <Typography.Title level={5} style={{ margin: '8px 0 0' }}>{t('homeschool.my.sessions')}</Typography.Title>
        <CheckInCard onDone={reload} />
        {!loading && data?.sessions.length === 0 && <Empty description={t('homeschool.my.noSessions')} />}
        {data?.sessions.map((s) => (
          <Card key={`${s.id}-${s.childName}`} size="small" data-testid="hs-session">
            <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8, alignItems: 'flex-start' }}>
              <strong style={{ overflowWrap: 'anywhere', minWidth: 0 }}>{s.topic}</strong>
              {s.attended ? <Tag color="green" style={{ flex: 'none', marginInlineEnd: 0 }}>{t('homeschool.my.attended')}</Tag> : <Tag style={{ flex: 'none', marginInlineEnd: 0 }}>{t('homeschool.my.notAttended')}</Tag>}
            </div>
            <div style={{ marginTop: 4, color: 'rgba(0,0,0,0.65)', overflowWrap: 'anywhere' }}>
              {s.date} · {s.targetName}
              {s.speaker ? ` · ${s.speaker}` : ''}
              <div>{t('homeschool.my.child', { name: s.childName })}</div>
            </div>
          </Card>
        ))}
      </Space>
    </div>
  );
}
