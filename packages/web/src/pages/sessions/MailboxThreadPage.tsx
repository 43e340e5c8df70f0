import { useState } from 'react';
import { Alert, Button, Card, Input, Popconfirm, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import { api } from '../../api/client';
import { useAsync } from '../../app/useAsync';
import { useSendOnceFor } from '../../app/useSendOnce';
import { uuid } from '../../app/uuid';
import { ErrorBox } from '../../components/ErrorBox';
import { Loading } from '../../components/Loading';
import { MailboxStatusTag } from './MailboxPage';
import { fmtTime } from './shared';
import type { MailboxThreadForWriter, MailboxThreadStaffDetail } from './types';

/** The messages of a thread, the student's on the left, the teachers' on the right. */
export function Messages({ messages, studentLabel, counselorLabel }: { messages: MailboxThreadForWriter['messages']; studentLabel: string; counselorLabel: string }) {
  return (
    <Space orientation="vertical" size={8} style={{ width: '100%' }} data-testid="mailbox-messages">
      {messages.map((m) => (
        <div key={m.id} style={{ display: 'flex', justifyContent: m.authorKind === 'counselor' ? 'flex-end' : 'flex-start' }}>
          <div style={{ maxWidth: '85%', background: m.authorKind === 'counselor' ? '#e6f4ff' : '#f5f5f5', borderRadius: 8, padding: '8px 12px' }} data-testid={`mailbox-msg-${m.authorKind}`}>
            <div style={{ fontSize: 12, color: '#888', marginBottom: 4 }}>{m.authorKind === 'counselor' ? (m.authorName ?? counselorLabel) : studentLabel} · {fmtTime(m.createdAt)}</div>
            <div style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>{m.body}</div>
          </div>
        </div>
      ))}
    </Space>
  );
}

/** A letter for the school's counselors: the thread (reading it is audited), reply, close. */
export default function MailboxThreadPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const { data, error, loading, reload } = useAsync((signal) => api.get<MailboxThreadStaffDetail>(`/mailbox/threads/${id}`, undefined, { signal }), [id]);
  const [saved, setSaved] = useState<MailboxThreadStaffDetail | null>(null);
  const [text, setText] = useState('');
  const [clientId, setClientId] = useState(uuid);
  const { busyKey, problem, send } = useSendOnceFor();
  const th = saved ?? data;
  if (loading && !th) return <Loading />;
  if (!th) return <ErrorBox error={error} onRetry={reload} />;

  const reply = () => send('reply', async () => {
    setSaved(await api.post<MailboxThreadStaffDetail>(`/mailbox/threads/${id}/replies`, { clientId, body: text }));
    setText('');
    setClientId(uuid());
  });
  const close = () => send('close', async () => setSaved(await api.post<MailboxThreadStaffDetail>(`/mailbox/threads/${id}/close`)));

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%', maxWidth: 820 }} data-testid="mailbox-thread-page">
      <Typography.Title level={3} style={{ margin: 0 }}>
        {th.priority && th.status !== 'closed' && <Tag color="red">{t('counselingRecords.mailbox.priority')}</Tag>}
        {th.subject} <MailboxStatusTag status={th.status} />
      </Typography.Title>
      <Typography.Text>
        {th.anonymous ? <Tag>{t('counselingRecords.mailbox.anonymous')}</Tag> : `${th.studentName ?? ''}（${th.className ?? ''}）`}
      </Typography.Text>
      {th.priority && (
        <Alert type="warning" showIcon title={t('counselingRecords.mailbox.matched', { terms: th.flaggedTerms.join('、') })} description={t('counselingRecords.mailbox.triage')} data-testid="mailbox-flag" />
      )}
      <Card size="small">
        <Messages messages={th.messages} studentLabel={th.anonymous ? t('counselingRecords.mailbox.anonymous') : (th.studentName ?? t('counselingRecords.mailbox.student'))} counselorLabel={t('counselingRecords.mailbox.counselor')} />
      </Card>
      {th.status === 'closed' ? <Alert type="info" title={t('counselingRecords.mailbox.closed')} /> : (
        <Card size="small" title={t('counselingRecords.mailbox.reply')}>
          <Input.TextArea rows={4} value={text} maxLength={5000} onChange={(e) => setText(e.target.value)} placeholder={t('counselingRecords.mailbox.replyPlaceholder')} disabled={busyKey !== null} data-testid="mailbox-reply-text" />
          <Space style={{ marginTop: 8 }}>
            <Button type="primary" disabled={!text.trim()} loading={busyKey === 'reply'} onClick={() => void reply()} data-testid="mailbox-reply-send">{t('counselingRecords.mailbox.send')}</Button>
            <Popconfirm title={t('counselingRecords.mailbox.closeConfirm')} onConfirm={() => void close()}>
              <Button loading={busyKey === 'close'} data-testid="mailbox-close">{t('counselingRecords.mailbox.close')}</Button>
            </Popconfirm>
          </Space>
        </Card>
      )}
      {problem && <Alert type="error" showIcon title={problem} />}
    </Space>
  );
}
