import { useState } from 'react';
import { Alert as AntAlert, App, Button, Card, Input, Space, Typography } from 'antd';
import { HeartOutlined, PhoneOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, errorMessage } from '../../api/client';
import type { MyPairing } from '../../api/types';
import { useAsync } from '../../app/useAsync';
import { ErrorBox } from '../../components/ErrorBox';

/**
 * 家长志愿者 on a parent's phone: volunteer at a child's school, then the paired student's name
 * and class and whom to call at school. Nothing else about the student is ever sent here.
 */
export function ParentVolunteerCard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { data, error, reload } = useAsync((signal) => api.get<MyPairing>('/me/parent-volunteering', undefined, { signal }), []);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [withdrawing, setWithdrawing] = useState(false);
  const [reason, setReason] = useState('');
  if (error !== undefined) return <ErrorBox error={error} onRetry={reload} />;
  if (!data) return null;
  const active = data.volunteering.filter((v) => v.status === 'active');
  const open = data.schools.filter((s) => !active.some((v) => v.schoolName === s.name));
  if (!active.length && !open.length) return null;
  async function send(path: string, body: unknown) {
    if (busy) return;
    setBusy(true);
    setProblem(null);
    try {
      await api.post(path, body);
      setWithdrawing(false);
      void message.success(t('care.saved'));
      reload();
    } catch (e) {
      setProblem(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Card size="small" title={<Space><HeartOutlined style={{ color: '#eb2f96' }} />{t('care.parentCard.title')}</Space>} data-testid="parent-volunteer-card">
      <Space orientation="vertical" size={8} style={{ width: '100%' }}>
        {data.pairings.map((p) => (
          <div key={p.id} data-testid="parent-pairing">
            <Typography.Text type="secondary">{t('care.parentCard.paired')}</Typography.Text>
            <div style={{ fontSize: 17 }}>
              <strong data-testid="parent-pairing-name">{p.studentName}</strong> <span style={{ color: '#8c8c8c' }}>{p.className}</span>
            </div>
            <div style={{ fontSize: 13, color: '#595959' }}>{p.schoolName}</div>
            <div style={{ marginTop: 4 }}>
              {t('care.parentCard.contact')}：{p.contactName}{' '}
              {p.contactPhone && (
                <a href={`tel:${p.contactPhone}`}>
                  <PhoneOutlined /> {p.contactPhone}
                </a>
              )}
            </div>
          </div>
        ))}
        {!data.pairings.length && active.map((v) => <Typography.Text key={v.id} data-testid="parent-volunteer-waiting">{t('care.parentCard.waiting', { school: v.schoolName })}</Typography.Text>)}
        {!active.length && (
          <>
            <Typography.Text type="secondary">{t('care.parentCard.hint')}</Typography.Text>
            <Input.TextArea value={note} onChange={(e) => setNote(e.target.value)} maxLength={300} autoSize={{ minRows: 2, maxRows: 4 }} placeholder={t('care.parentCard.notePlaceholder')} style={{ fontSize: 16 }} />
            {open.map((s) => (
              <Button key={s.id} block type="primary" loading={busy} onClick={() => void send('/me/parent-volunteering', { schoolId: s.id, note: note.trim() })} data-testid={`parent-volunteer-join-${s.id}`} style={{ whiteSpace: 'normal', height: 'auto', minHeight: 40 }}>
                {t('care.parentCard.join', { school: s.name })}
              </Button>
            ))}
          </>
        )}
        {active.length > 0 && !withdrawing && (
          <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setWithdrawing(true)}>
            {t('care.parentCard.withdraw')}
          </Button>
        )}
        {withdrawing && (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={300} placeholder={t('care.parentCard.withdrawReason')} style={{ fontSize: 16 }} />
            <Space>
              <Button danger disabled={!reason.trim()} loading={busy} onClick={() => void Promise.all(active.map((v) => send(`/care/parent-volunteers/${v.id}/end`, { reason: reason.trim() })))}>
                {t('care.form.submit')}
              </Button>
              <Button onClick={() => setWithdrawing(false)}>{t('care.form.cancel')}</Button>
            </Space>
          </Space>
        )}
        {problem && <AntAlert type="error" showIcon title={problem} />}
      </Space>
    </Card>
  );
}
