import { useEffect, useState } from 'react';
import { Alert, Button, Checkbox, DatePicker, Descriptions, Drawer, Empty, Form, Input, Modal, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { applyFormErrors } from '../../app/formErrors';
import { useAsync } from '../../app/useAsync';
import { useSendOnce } from '../../app/useSendOnce';
import { uuid } from '../../app/uuid';
import { ErrorBox } from '../../components/ErrorBox';
import { TargetTag, type HsSession, type HsSessionList, type HsSheet, type HsUnits } from './shared';

interface SessionForm { targetUnitId: number; date: Dayjs; topic: string; speaker: string; mentalHealth: boolean }

function NewSession({ units, open, onClose, onSaved }: { units: HsUnits | undefined; open: boolean; onClose: () => void; onSaved: (s: HsSession) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<SessionForm>();
  const [clientId, setClientId] = useState(uuid);
  const { busy, problem, send } = useSendOnce();
  const save = (v: SessionForm) =>
    send(
      async () => {
        const s = await api.post<HsSession>('/homeschool/sessions', { clientId, targetUnitId: v.targetUnitId, date: v.date.format('YYYY-MM-DD'), topic: v.topic, speaker: v.speaker ?? '', mentalHealth: v.mentalHealth });
        setClientId(uuid());
        form.resetFields();
        onSaved(s);
      },
      (e) => applyFormErrors(form, e, ['targetUnitId', 'date', 'topic', 'speaker', 'mentalHealth']),
    );
  const targets = units?.sessionTargets ?? [];
  return (
    <Modal open={open} title={t('homeschool.sessions.new')} onCancel={onClose} footer={null} destroyOnHidden width={520}>
      <Form<SessionForm> form={form} layout="vertical" initialValues={{ targetUnitId: targets[0]?.id, date: dayjs(), mentalHealth: true, speaker: '' }} onFinish={(v) => void save(v)} data-testid="hs-session-form">
        <Form.Item name="targetUnitId" label={t('homeschool.sessions.target')} rules={[{ required: true }]}>
          <Select showSearch optionFilterProp="label" options={targets.map((u) => ({ value: u.id, label: u.kind === 'school' ? `${u.name}（${t('homeschool.sessions.targetSchool')}）` : u.name }))} data-testid="hs-session-target" />
        </Form.Item>
        <Form.Item name="date" label={t('homeschool.sessions.date')} rules={[{ required: true }]}>
          <DatePicker style={{ width: '100%' }} data-testid="hs-session-date" />
        </Form.Item>
        <Form.Item name="topic" label={t('homeschool.sessions.topic')} rules={[{ required: true, whitespace: true }]}>
          <Input maxLength={80} data-testid="hs-session-topic" />
        </Form.Item>
        <Form.Item name="speaker" label={t('homeschool.sessions.speaker')}>
          <Input maxLength={40} />
        </Form.Item>
        <Form.Item name="mentalHealth" label={t('homeschool.sessions.mentalHealth')} extra={t('homeschool.sessions.mentalHealthHint')} valuePropName="checked">
          <Switch />
        </Form.Item>
        {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 12 }} />}
        <Space>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="hs-session-save">{t('homeschool.common.save')}</Button>
          <Button onClick={onClose}>{t('homeschool.common.cancel')}</Button>
        </Space>
      </Form>
    </Modal>
  );
}

/** A session: its code and, per class, the attendance sheet with checkboxes, saved as a whole. */
function SessionDrawer({ session, onClose, onSaved }: { session: HsSession; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const [classId, setClassId] = useState<number | undefined>(undefined);
  const { data, error, loading, reload } = useAsync((signal) => api.get<HsSheet>(`/homeschool/sessions/${session.id}/sheet`, { classId }, { signal }), [session.id, classId]);
  const [ticked, setTicked] = useState<Set<string>>(new Set());
  const [saved, setSaved] = useState(false);
  const { busy, problem, send } = useSendOnce();
  useEffect(() => {
    if (data) setTicked(new Set(data.rows.filter((r) => r.attended).map((r) => r.studentId)));
    setSaved(false);
  }, [data]);
  const toggle = (id: string, on: boolean) => {
    setSaved(false);
    setTicked((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  };
  const save = () =>
    send(async () => {
      if (!data) return;
      await api.put(`/homeschool/sessions/${session.id}/sheet`, { classId: data.classId, attended: [...ticked] });
      setSaved(true);
      reload();
      onSaved();
    });
  const rows = data?.rows ?? [];
  return (
    <Drawer open onClose={onClose} size={620} title={session.topic} data-testid="hs-session-drawer">
      <Descriptions size="small" column={1} bordered style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t('homeschool.sessions.date')}>{session.date}</Descriptions.Item>
        <Descriptions.Item label={t('homeschool.sessions.target')}>
          <TargetTag target={session.target} /> {session.targetName}
        </Descriptions.Item>
        {session.speaker && <Descriptions.Item label={t('homeschool.sessions.speaker')}>{session.speaker}</Descriptions.Item>}
        {session.code && (
          <Descriptions.Item label={t('homeschool.sessions.code')}>
            <Typography.Text strong copyable style={{ fontSize: 20, letterSpacing: 3 }} data-testid="hs-session-code">{session.code}</Typography.Text>
            <div style={{ color: 'rgba(0,0,0,0.55)' }}>{t('homeschool.sessions.codeHint')}</div>
          </Descriptions.Item>
        )}
      </Descriptions>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      {data && (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Space wrap>
            {t('homeschool.sessions.pickClass')}
            <Select style={{ width: 200 }} value={data.classId} onChange={setClassId} options={data.classes.map((c) => ({ value: c.id, label: c.name }))} data-testid="hs-sheet-class" />
            <span data-testid="hs-sheet-count">{t('homeschool.sessions.of', { a: ticked.size, n: rows.length })}</span>
          </Space>
          {!data.canRecord && <Alert type="info" showIcon title={t('homeschool.sessions.readOnly')} />}
          <Table
            rowKey="studentId"
            size="small"
            loading={loading}
            pagination={false}
            dataSource={rows}
            data-testid="hs-sheet"
            columns={[
              { title: t('homeschool.sessions.studentNo'), dataIndex: 'studentNo', width: 130 },
              { title: t('homeschool.sessions.student'), dataIndex: 'name' },
              {
                title: (
                  <Checkbox disabled={!data.canRecord} checked={rows.length > 0 && ticked.size === rows.length} indeterminate={ticked.size > 0 && ticked.size < rows.length}
                    onChange={(e) => { setSaved(false); setTicked(e.target.checked ? new Set(rows.map((r) => r.studentId)) : new Set()); }}>
                    {t('homeschool.sessions.family')}
                  </Checkbox>
                ),
                render: (_, r) => (
                  <Space>
                    <Checkbox disabled={!data.canRecord} checked={ticked.has(r.studentId)} onChange={(e) => toggle(r.studentId, e.target.checked)} data-testid="hs-sheet-tick" data-student={r.name} />
                    {r.source === 'checkin' && ticked.has(r.studentId) && <Tag color="blue">{t('homeschool.sessions.viaCheckin')}</Tag>}
                  </Space>
                ),
              },
            ]}
          />
          {problem && <Alert type="error" showIcon title={problem} />}
          {data.canRecord && (
            <Space>
              <Button type="primary" loading={busy} onClick={() => void save()} data-testid="hs-sheet-save">{t('homeschool.sessions.saveSheet')}</Button>
              {saved && <Tag color="green">{t('homeschool.sessions.saved')}</Tag>}
            </Space>
          )}
        </Space>
      )}
    </Drawer>
  );
}

/** 家长课堂: the sessions the caller reaches, holding a new one, and each class's sheet. */
export default function SessionsPage() {
  const { t } = useTranslation();
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState<HsSession | null>(null);
  const { data, error, loading, reload } = useAsync((signal) => api.get<HsSessionList>('/homeschool/sessions', { page, pageSize: 50 }, { signal }), [page]);
  const units = useAsync((signal) => api.get<HsUnits>('/homeschool/units', undefined, { signal }), []);
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="hs-sessions-page">
      <Typography.Title level={3} style={{ margin: 0 }}>{t('homeschool.sessions.title')}</Typography.Title>
      <Typography.Text type="secondary">{t('homeschool.sessions.intro')}</Typography.Text>
      {(units.data?.sessionTargets.length ?? 0) > 0 && (
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} style={{ alignSelf: 'flex-start' }} data-testid="hs-session-new">
          {t('homeschool.sessions.new')}
        </Button>
      )}
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Table<HsSession>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={data?.items ?? []}
        pagination={{ current: page, pageSize: 50, total: data?.total ?? 0, onChange: setPage }}
        locale={{ emptyText: <Empty description={t('homeschool.sessions.none')} /> }}
        onRow={(s) => ({ onClick: () => setOpen(s), style: { cursor: 'pointer' } })}
        data-testid="hs-sessions"
        columns={[
          { title: t('homeschool.sessions.date'), dataIndex: 'date', width: 110 },
          { title: t('homeschool.sessions.topic'), render: (_, s) => <span data-testid="hs-session-row">{s.topic}{s.mentalHealth && <Tag color="purple" style={{ marginLeft: 6 }}>{t('homeschool.sessions.mentalHealth')}</Tag>}</span> },
          { title: t('homeschool.sessions.target'), render: (_, s) => <><TargetTag target={s.target} />{s.targetName}</> },
          { title: t('homeschool.sessions.speaker'), dataIndex: 'speaker' },
          { title: t('homeschool.sessions.code'), render: (_, s) => s.code ?? '—' },
          { title: t('homeschool.sessions.attended'), render: (_, s) => t('homeschool.sessions.of', { a: s.attended, n: s.students }) },
          { title: t('homeschool.sessions.createdBy'), dataIndex: 'createdByName' },
        ]}
      />
      <NewSession units={units.data} open={creating} onClose={() => setCreating(false)} onSaved={(s) => { setCreating(false); reload(); setOpen(s); }} />
      {open && <SessionDrawer key={open.id} session={open} onClose={() => setOpen(null)} onSaved={reload} />}
    </Space>
  );
}
