import { useState } from 'react';
import { Alert, App, Button, Card, Input, Segmented, Space, Switch, Tag } from 'antd';
import { CopyOutlined, KeyOutlined, MailOutlined, WarningFilled } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, errorMessage } from '../../api/client';
import { useAsync } from '../../app/useAsync';
import { useSendOnce } from '../../app/useSendOnce';
import { uuid } from '../../app/uuid';
import { ErrorBox } from '../../components/ErrorBox';
import { Messages } from './MailboxThreadPage';
import { fmtTime } from './shared';
import type { MailboxPostResult, MailboxThreadForWriter, MailboxWriterSummary } from './types';
import '../self/screening/screening.css';

type Tab = 'write' | 'mine' | 'code';

function WriteLetter({ onNamedSent }: { onNamedSent: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [anonymous, setAnonymous] = useState(false);
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [clientId, setClientId] = useState(uuid);
  const [result, setResult] = useState<MailboxPostResult | null>(null);
  const { busy, problem, send } = useSendOnce();

  const submit = () => send(async () => {
    const r = await api.post<MailboxPostResult>('/mailbox/threads', { clientId, subject: subject.trim(), body: body.trim(), anonymous });
    setResult(r);
    if (!anonymous) onNamedSent();
  });
  const again = () => {
    setResult(null);
    setSubject('');
    setBody('');
    setClientId(uuid());
  };
  const copy = (code: string) => {
    navigator.clipboard?.writeText(code).then(() => void message.success(t('counselingRecords.m.copied')), () => undefined);
  };

  if (result) {
    return (
      <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="mailbox-sent">
        <div className="xy-ans-card" style={{ textAlign: 'center' }}>
          <h2 style={{ margin: '0 0 8px' }}>{t('counselingRecords.m.sentTitle')}</h2>
          <p style={{ margin: 0 }}>{t('counselingRecords.m.sentBody')}</p>
        </div>
        {result.code && (
          <div className="xy-ans-card" style={{ border: '2px solid #fa8c16', textAlign: 'center' }} data-testid="mailbox-code-card">
            <div style={{ fontWeight: 600, marginBottom: 8 }}><KeyOutlined /> {t('counselingRecords.m.codeTitle')}</div>
            <div style={{ fontFamily: 'monospace', fontSize: 26, letterSpacing: 2, margin: '8px 0', userSelect: 'all', wordBreak: 'break-all' }} data-testid="mailbox-code">{result.code}</div>
            <Button type="primary" icon={<CopyOutlined />} block style={{ height: 44 }} onClick={() => copy(result.code!)} data-testid="mailbox-copy">{t('counselingRecords.m.copy')}</Button>
            <Alert style={{ marginTop: 12, textAlign: 'left' }} type="warning" showIcon icon={<WarningFilled />} title={t('counselingRecords.m.codeWarn')} />
          </div>
        )}
        {result.duplicate && !result.code && anonymous && <Alert type="info" showIcon title={t('counselingRecords.m.duplicate')} />}
        <Button block style={{ height: 44 }} onClick={again} data-testid="mailbox-again">{t('counselingRecords.m.writeAnother')}</Button>
      </Space>
    );
  }

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <div className="xy-ans-card">
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 8 }}>
          <label htmlFor="mailbox-anon" style={{ fontWeight: 500 }}>{t('counselingRecords.m.anonymous')}</label>
          <Switch id="mailbox-anon" checked={anonymous} onChange={setAnonymous} disabled={busy} data-testid="mailbox-anonymous" />
        </div>
        <p className="xy-ans-note" style={{ margin: '8px 0 0' }} data-testid="mailbox-anon-explain">{anonymous ? t('counselingRecords.m.anonymousOn') : t('counselingRecords.m.anonymousOff')}</p>
      </div>
      <div className="xy-ans-card">
        <label htmlFor="mailbox-subject" style={{ display: 'block', fontWeight: 500, marginBottom: 6 }}>{t('counselingRecords.m.subject')}</label>
        <Input id="mailbox-subject" value={subject} maxLength={100} onChange={(e) => setSubject(e.target.value)} disabled={busy} style={{ fontSize: 16 }} data-testid="mailbox-subject" />
        <label htmlFor="mailbox-body" style={{ display: 'block', fontWeight: 500, margin: '12px 0 6px' }}>{t('counselingRecords.m.body')}</label>
        <Input.TextArea id="mailbox-body" value={body} rows={7} maxLength={5000} showCount onChange={(e) => setBody(e.target.value)} placeholder={t('counselingRecords.m.bodyPlaceholder')} disabled={busy} style={{ fontSize: 16 }} data-testid="mailbox-body" />
      </div>
      {problem && <Alert type="error" showIcon title={problem} data-testid="mailbox-error" />}
      <Button type="primary" block size="large" style={{ height: 48 }} loading={busy} disabled={busy || !subject.trim() || !body.trim()} onClick={() => void submit()} data-testid="mailbox-send">
        {t('counselingRecords.m.send')}
      </Button>
    </Space>
  );
}

/** A thread as its writer sees it, with a box to write more. */
function WriterThread({ thread, onSend }: { thread: MailboxThreadForWriter; onSend: (clientId: string, text: string) => Promise<void> }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [clientId, setClientId] = useState(uuid);
  const { busy, problem, send } = useSendOnce();
  const submit = () => send(async () => {
    await onSend(clientId, text.trim());
    setText('');
    setClientId(uuid());
  });
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="mailbox-writer-thread">
      <div className="xy-ans-card">
        <div style={{ fontWeight: 600, marginBottom: 8 }}>{thread.subject} <Tag>{t(`counselingRecords.m.status.${thread.status}`)}</Tag></div>
        <Messages messages={thread.messages} studentLabel={t('counselingRecords.m.you')} counselorLabel={t('counselingRecords.m.teacher')} />
      </div>
      {thread.status === 'closed' ? <Alert type="info" title={t('counselingRecords.m.closed')} /> : (
        <div className="xy-ans-card">
          <Input.TextArea value={text} rows={3} maxLength={5000} onChange={(e) => setText(e.target.value)} disabled={busy} style={{ fontSize: 16 }} placeholder={t('counselingRecords.m.follow')} data-testid="mailbox-follow-text" />
          <Button type="primary" block style={{ marginTop: 8, height: 44 }} loading={busy} disabled={busy || !text.trim()} onClick={() => void submit()} data-testid="mailbox-follow-send">{t('counselingRecords.m.followSend')}</Button>
        </div>
      )}
      {problem && <Alert type="error" showIcon title={problem} />}
    </Space>
  );
}

function MyLetters({ tick }: { tick: number }) {
  const { t } = useTranslation();
  const { data, error, reload } = useAsync((signal) => api.get<{ items: MailboxWriterSummary[] }>('/mailbox/mine', undefined, { signal }), [tick]);
  const [open, setOpen] = useState<MailboxThreadForWriter | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  if (error) return <ErrorBox error={error} onRetry={reload} />;
  if (open) {
    return (
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        <Button onClick={() => { setOpen(null); reload(); }}>{t('counselingRecords.m.back')}</Button>
        <WriterThread thread={open} onSend={async (clientId, body) => setOpen(await api.post<MailboxThreadForWriter>(`/mailbox/mine/${open.id}/messages`, { clientId, body }))} />
      </Space>
    );
  }
  const items = data?.items ?? [];
  return (
    <Space orientation="vertical" size={8} style={{ width: '100%' }} data-testid="mailbox-mine">
      {items.length === 0 && <div className="xy-ans-card">{t('counselingRecords.m.none')}</div>}
      {items.map((th) => (
        <Card key={th.id} size="small" hoverable onClick={() => api.get<MailboxThreadForWriter>(`/mailbox/mine/${th.id}`).then(setOpen, (e: unknown) => setProblem(errorMessage(e)))} data-testid={`mailbox-mine-${th.id}`}>
          <div style={{ fontWeight: 500 }}>{th.subject}</div>
          <div style={{ fontSize: 13, color: '#888' }}>
            <Tag color={th.status === 'answered' ? 'green' : undefined}>{t(`counselingRecords.m.status.${th.status}`)}</Tag>
            {t('counselingRecords.m.replies', { n: th.replies })} · {fmtTime(th.lastMessageAt)}
          </div>
        </Card>
      ))}
      {problem && <Alert type="error" showIcon title={problem} />}
    </Space>
  );
}

function ReadByCode() {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const [thread, setThread] = useState<MailboxThreadForWriter | null>(null);
  const { busy, problem, send } = useSendOnce();
  const read = () => send(async () => setThread(await api.post<MailboxThreadForWriter>('/mailbox/code', { code })));
  if (thread) {
    return (
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        <Button onClick={() => setThread(null)}>{t('counselingRecords.m.back')}</Button>
        <WriterThread thread={thread} onSend={async (clientId, body) => setThread(await api.post<MailboxThreadForWriter>('/mailbox/code/messages', { code, clientId, body }))} />
      </Space>
    );
  }
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <div className="xy-ans-card">
        <label htmlFor="mailbox-code-input" style={{ display: 'block', fontWeight: 500, marginBottom: 6 }}>{t('counselingRecords.m.code')}</label>
        <Input id="mailbox-code-input" value={code} onChange={(e) => setCode(e.target.value.toUpperCase())} placeholder={t('counselingRecords.m.codePlaceholder')} autoComplete="off" style={{ fontSize: 18, fontFamily: 'monospace' }} data-testid="mailbox-code-input" />
      </div>
      {problem && <Alert type="error" showIcon title={problem} data-testid="mailbox-code-error" />}
      <Button type="primary" block size="large" style={{ height: 48 }} loading={busy} disabled={busy || !code.trim()} onClick={() => void read()} data-testid="mailbox-code-read">{t('counselingRecords.m.read')}</Button>
    </Space>
  );
}

/** 心灵信箱 on a student's phone: write (named or anonymous), my named letters, read an anonymous one by its code. */
export default function MobileMailbox() {
  const { t } = useTranslation();
  const [tab, setTab] = useState<Tab>('write');
  const [tick, setTick] = useState(0);
  return (
    <div className="xy-ans" data-testid="mobile-mailbox">
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        <div className="xy-ans-card">
          <h2 style={{ margin: '0 0 8px', display: 'flex', alignItems: 'center', gap: 8 }}><MailOutlined style={{ color: '#1677ff' }} />{t('counselingRecords.m.title')}</h2>
          <p style={{ margin: 0 }}>{t('counselingRecords.m.intro')}</p>
          <p className="xy-ans-note" style={{ margin: '6px 0 0' }}>{t('counselingRecords.m.urgent')}</p>
        </div>
        <Segmented block value={tab} onChange={(v) => setTab(v as Tab)} options={[
          { value: 'write', label: t('counselingRecords.m.write') },
          { value: 'mine', label: t('counselingRecords.m.mine') },
          { value: 'code', label: t('counselingRecords.m.byCode') },
        ]} data-testid="mailbox-tabs" />
        {tab === 'write' && <WriteLetter onNamedSent={() => setTick((n) => n + 1)} />}
        {tab === 'mine' && <MyLetters tick={tick} />}
        {tab === 'code' && <ReadByCode />}
      </Space>
    </div>
  );
}
