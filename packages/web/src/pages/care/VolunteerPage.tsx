import { useState } from 'react';
import { Alert as AntAlert, App, Button, Card, Empty, Input, Modal, Popconfirm, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, errorMessage } from '../../api/client';
import type { CareOpening, CareOpenings, Items, MyVolunteering } from '../../api/types';
import { useAsync } from '../../app/useAsync';
import { useSendOnce } from '../../app/useSendOnce';
import { ErrorBox } from '../../components/ErrorBox';
import { Loading } from '../../components/Loading';
import { AlertLevelTag, fmt } from '../warning/shared';

const STATUS_COLOR: Record<MyVolunteering['status'], string> = { pending: 'gold', approved: 'green', declined: 'default', withdrawn: 'default' };

/** 我要报名: a note, sent once however often it is clicked (the server also keeps one pending offer). */
function VolunteerModal({ o, onClose, onDone }: { o: CareOpening; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [note, setNote] = useState('');
  const { busy, problem, setProblem, send } = useSendOnce();
  function submit() {
    if (!note.trim()) {
      setProblem(t('care.form.required'));
      return;
    }
    void send(async () => {
      await api.post(`/care/students/${o.keyStudentId}/volunteer`, { note: note.trim() });
      onDone();
    });
  }
  return (
    <Modal open title={`${t('care.volunteer.apply')} · ${o.name}`} onCancel={onClose} onOk={submit} okText={t('care.form.submit')} cancelText={t('care.form.cancel')} confirmLoading={busy} okButtonProps={{ 'data-testid': 'volunteer-submit' } as never} destroyOnHidden width={420}>
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Typography.Text>{t('care.volunteer.note')}</Typography.Text>
        <Input.TextArea value={note} onChange={(e) => setNote(e.target.value)} maxLength={300} autoSize={{ minRows: 3, maxRows: 6 }} placeholder={t('care.volunteer.notePlaceholder')} style={{ fontSize: 16 }} data-testid="volunteer-note" />
        {problem && <AntAlert type="error" showIcon title={problem} />}
      </Space>
    </Modal>
  );
}

function WithdrawButton({ id, onDone }: { id: string; onDone: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  async function withdraw() {
    setBusy(true);
    try {
      await api.post(`/care/offers/${id}/withdraw`);
      onDone();
    } catch (e) {
      void message.error(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Popconfirm title={t('care.volunteer.withdrawConfirm')} onConfirm={() => void withdraw()} okButtonProps={{ 'data-testid': 'offer-withdraw-ok' } as never}>
      <Button size="small" loading={busy} data-testid={`offer-withdraw-${id}`}>
        {t('care.volunteer.withdraw')}
      </Button>
    </Popconfirm>
  );
}

/**
 * 报名包保 (two-way choice) for any teacher of the school: the key students without a care teacher
 * (name, class, level: nothing more), and the teacher's own offers with what came of them. Cards
 * only, so the page works on a care teacher's phone (/m/care/volunteer) as on a desktop.
 */
export default function VolunteerPage({ base = '/care' }: { base?: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const openings = useAsync((signal) => api.get<CareOpenings>('/care/openings', undefined, { signal }), []);
  const mine = useAsync((signal) => api.get<Items<MyVolunteering>>('/care/my-offers', undefined, { signal }), []);
  const [applying, setApplying] = useState<CareOpening | null>(null);
  const reload = () => {
    openings.reload();
    mine.reload();
  };
  if (openings.loading && !openings.data) return <Loading />;
  if (openings.error !== undefined) return <ErrorBox error={openings.error} onRetry={openings.reload} />;
  const o = openings.data!;
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="volunteer-page">
      <Typography.Title level={base === '/care' ? 4 : 5} style={{ margin: 0 }}>
        {t('care.volunteer.title')}
      </Typography.Title>
      <Typography.Text type="secondary">{t('care.volunteer.hint')}</Typography.Text>
      <Typography.Text data-testid="volunteer-load">{t('care.volunteer.load', { load: o.load, max: o.maxPerTeacher })}</Typography.Text>
      <Typography.Title level={5} style={{ margin: 0 }}>
        {t('care.volunteer.open')}
      </Typography.Title>
      {o.items.length === 0 && <Empty description={t('care.volunteer.none')} image={Empty.PRESENTED_IMAGE_SIMPLE} />}
      {o.items.map((i) => (
        <Card key={i.keyStudentId} size="small" data-testid={`opening-${i.keyStudentId}`} data-name={i.name}>
          <div style={{ display: 'flex', alignItems: 'center', gap: 8, flexWrap: 'wrap' }}>
            <div style={{ flex: 1, minWidth: 160 }}>
              <Space size={6} wrap>
                <strong style={{ fontSize: 16 }}>{i.name}</strong>
                <AlertLevelTag level={i.level} />
              </Space>
              <div style={{ color: '#8c8c8c', fontSize: 13 }}>{i.className}</div>
              {i.problems.length > 0 && <div style={{ color: '#cf1322', fontSize: 13 }}>{i.problems.join('；')}</div>}
            </div>
            {i.myOffer ? (
              <Space size={6} wrap>
                <Tag color="gold">{t('care.volunteer.applied')}</Tag>
                <WithdrawButton id={i.myOffer.id} onDone={reload} />
              </Space>
            ) : (
              <Button type="primary" onClick={() => setApplying(i)} data-testid={`volunteer-btn-${i.keyStudentId}`}>
                {t('care.volunteer.apply')}
              </Button>
            )}
          </div>
        </Card>
      ))}
      <Typography.Title level={5} style={{ margin: '8px 0 0' }}>
        {t('care.volunteer.mine')}
      </Typography.Title>
      {mine.error !== undefined && <ErrorBox error={mine.error} onRetry={mine.reload} />}
      {mine.data?.items.length === 0 && <Empty description={t('care.volunteer.mineEmpty')} image={Empty.PRESENTED_IMAGE_SIMPLE} />}
      {mine.data?.items.map((m) => (
        <Card key={m.id} size="small" data-testid={`my-offer-${m.id}`} data-status={m.status}>
          <Space size={6} wrap>
            <strong>{m.name}</strong>
            <Typography.Text type="secondary">{m.className}</Typography.Text>
            <Tag color={STATUS_COLOR[m.status]} data-testid="offer-status">
              {t(`care.volunteer.status.${m.status}`)}
            </Tag>
            <Typography.Text type="secondary">{fmt(m.createdAt)}</Typography.Text>
          </Space>
          <div className="xy-break" style={{ fontSize: 13, margin: '4px 0' }}>{m.note}</div>
          {m.declineReason && <div className="xy-break" style={{ fontSize: 13, color: '#8c8c8c' }}>{t('care.volunteer.declined', { reason: m.declineReason })}</div>}
          {m.decidedByName && <div style={{ fontSize: 13, color: '#8c8c8c' }}>{t('care.volunteer.decidedBy', { name: m.decidedByName })}</div>}
          <Space size={8} style={{ marginTop: 4 }}>
            {m.status === 'pending' && <WithdrawButton id={m.id} onDone={reload} />}
            {m.status === 'approved' && <Link to={`${base}/${m.keyStudentId}`}>{t('care.volunteer.open_record')}</Link>}
          </Space>
        </Card>
      ))}
      {applying && (
        <VolunteerModal
          o={applying}
          onClose={() => setApplying(null)}
          onDone={() => {
            setApplying(null);
            void message.success(t('care.saved'));
            reload();
          }}
        />
      )}
    </Space>
  );
}
