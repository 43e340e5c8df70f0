import { useState } from 'react';
import { Alert, Button, Card, DatePicker, Descriptions, Form, Input, InputNumber, Modal, Popconfirm, Select, Space, Table, Tabs, Tag, Tooltip, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api } from '../../api/client';
import { applyFormErrors } from '../../app/formErrors';
import { useAsync } from '../../app/useAsync';
import { useSendOnce } from '../../app/useSendOnce';
import { uuid } from '../../app/uuid';
import { ErrorBox } from '../../components/ErrorBox';
import { ImportTrainings } from './ImportTrainings';
import { StudiosPanel } from './StudiosPanel';
import { CERT_KINDS, LEVEL_TARGETS, TRAINING_LEVELS } from '@xinyu/core';
import { MetTag, ShareTag, type Certificate, type CertKind, type Person, type SchoolWorkforce, type TrainingLevel, type TrainingList } from './shared';

const day = (d: Dayjs | null | undefined) => (d ? d.format('YYYY-MM-DD') : null);

function CertTag({ c, canManage, onWithdrawn }: { c: Certificate; canManage: boolean; onWithdrawn: () => void }) {
  const { t } = useTranslation();
  const { busy, send } = useSendOnce();
  const color = c.status === 'valid' ? 'blue' : c.status === 'expired' ? 'red' : 'default';
  const name = c.kind === 'other' && c.title ? c.title : t(`workforce.kind.${c.kind}`);
  const tip = [
    c.number != null ? `${t('workforce.cert.number')}：${c.number || '—'}` : t('workforce.school.numberHidden'),
    `${t('workforce.cert.issuer')}：${c.issuer}`,
    `${c.issuedOn} ~ ${c.expiresOn ?? t('workforce.cert.noExpiry')}`,
    c.evidence ? `${t('workforce.cert.evidence')}：${c.evidence}` : '',
  ].filter(Boolean).join('\n');
  return (
    <Tooltip title={<span style={{ whiteSpace: 'pre-line' }}>{tip}</span>}>
      <Tag color={color} data-testid="cert-tag" style={{ marginBottom: 2 }}>
        {name}
        {c.level ? ` ${t(`workforce.level.${c.level}`)}` : ''}
        {c.status !== 'valid' ? `（${t(`workforce.certStatus.${c.status}`)}）` : ''}
        {canManage && (
          <Popconfirm title={t('workforce.school.withdrawConfirm')} onConfirm={() => void send(async () => (await api.del(`/workforce/certificates/${c.id}`), onWithdrawn()))}>
            <Button type="link" size="small" disabled={busy} style={{ padding: '0 0 0 4px', height: 'auto', fontSize: 12 }}>{t('workforce.school.withdraw')}</Button>
          </Popconfirm>
        )}
      </Tag>
    </Tooltip>
  );
}

interface CertForm { kind: CertKind; level?: 'C' | 'B' | 'A'; title?: string; number: string; issuer: string; issuedOn: Dayjs; expiresOn?: Dayjs | null; evidence?: string }

function AddCertificate({ person, onClose, onSaved }: { person: Person; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<CertForm>();
  const [clientId] = useState(uuid);
  const kind = Form.useWatch('kind', form);
  const { busy, problem, send } = useSendOnce();
  const submit = (v: CertForm) =>
    send(
      async () => {
        await api.post('/workforce/certificates', {
          clientId, staffId: person.staffId, kind: v.kind, level: v.kind === 'mh_teacher' ? (v.level ?? null) : null, title: (v.title ?? '').trim(),
          number: v.number.trim(), issuer: v.issuer.trim(), issuedOn: day(v.issuedOn), expiresOn: day(v.expiresOn), evidence: (v.evidence ?? '').trim(),
        });
        onSaved();
      },
      (e) => applyFormErrors(form, e, ['kind', 'level', 'title', 'number', 'issuer', 'issuedOn', 'expiresOn', 'evidence']),
    );
  return (
    <Modal open title={`${t('workforce.school.addCert')} · ${person.name}`} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} okButtonProps={{ 'data-testid': 'cert-ok' }} destroyOnHidden>
      <Form form={form} layout="vertical" disabled={busy} initialValues={{ kind: person.counselor ? 'mh_teacher' : 'family_guidance', level: 'C', issuer: '' }} onFinish={(v) => void submit(v)} data-testid="cert-form">
        <Form.Item name="kind" label={t('workforce.cert.kind')} rules={[{ required: true, message: t('workforce.common.required') }]}>
          <Select options={CERT_KINDS.map((k) => ({ value: k, label: t(`workforce.kind.${k}`) }))} />
        </Form.Item>
        {kind === 'mh_teacher' && (
          <Form.Item name="level" label={t('workforce.cert.level')} rules={[{ required: true, message: t('workforce.common.required') }]}>
            <Select options={(['C', 'B', 'A'] as const).map((l) => ({ value: l, label: t(`workforce.level.${l}`) }))} />
          </Form.Item>
        )}
        {kind === 'other' && (
          <Form.Item name="title" label={t('workforce.cert.title')} rules={[{ required: true, message: t('workforce.common.required') }]}>
            <Input maxLength={100} />
          </Form.Item>
        )}
        <Space wrap>
          <Form.Item name="number" label={t('workforce.cert.number')} rules={[{ required: true, message: t('workforce.common.required') }]}>
            <Input maxLength={60} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="issuer" label={t('workforce.cert.issuer')} rules={[{ required: true, message: t('workforce.common.required') }]}>
            <Input maxLength={100} style={{ width: 240 }} />
          </Form.Item>
        </Space>
        <Space wrap>
          <Form.Item name="issuedOn" label={t('workforce.cert.issuedOn')} rules={[{ required: true, message: t('workforce.common.required') }]}>
            <DatePicker disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
          </Form.Item>
          <Form.Item name="expiresOn" label={t('workforce.cert.expiresOn')}>
            <DatePicker />
          </Form.Item>
        </Space>
        <Form.Item name="evidence" label={t('workforce.cert.evidence')}>
          <Input.TextArea maxLength={500} rows={2} />
        </Form.Item>
      </Form>
      {problem && <Alert type="error" showIcon title={problem} />}
    </Modal>
  );
}

interface TrainingForm { title: string; date: Dayjs; level: TrainingLevel; hours: number; provider?: string; staffIds: string[] }

function AddTraining({ people, onClose, onSaved }: { people: Person[]; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<TrainingForm>();
  const [clientId] = useState(uuid);
  const { busy, problem, send } = useSendOnce();
  const pickAll = (pred: (p: Person) => boolean) => form.setFieldValue('staffIds', [...new Set([...(form.getFieldValue('staffIds') ?? []), ...people.filter(pred).map((p) => p.staffId)])]);
  return (
    <Modal open width={640} title={t('workforce.school.addTraining')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} okButtonProps={{ 'data-testid': 'training-ok' }} destroyOnHidden>
      <Form
        form={form}
        layout="vertical"
        disabled={busy}
        initialValues={{ level: 'school', hours: 2, date: dayjs(), staffIds: [] }}
        onFinish={(v) =>
          void send(
            async () => {
              await api.post('/workforce/trainings', { clientId, title: v.title.trim(), date: day(v.date), level: v.level, hours: v.hours, provider: (v.provider ?? '').trim(), staffIds: v.staffIds });
              onSaved();
            },
            (e) => applyFormErrors(form, e, ['title', 'date', 'level', 'hours', 'provider', 'staffIds']),
          )
        }
        data-testid="training-form"
      >
        <Form.Item name="title" label={t('workforce.training.title')} rules={[{ required: true, message: t('workforce.common.required') }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Space wrap>
          <Form.Item name="date" label={t('workforce.training.date')} rules={[{ required: true, message: t('workforce.common.required') }]}>
            <DatePicker allowClear={false} disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
          </Form.Item>
          <Form.Item name="level" label={t('workforce.training.level')}>
            <Select style={{ width: 110 }} options={TRAINING_LEVELS.map((l) => ({ value: l, label: t(`workforce.trainingLevel.${l}`) }))} />
          </Form.Item>
          <Form.Item name="hours" label={t('workforce.training.hours')} rules={[{ required: true, message: t('workforce.common.required') }]}>
            <InputNumber min={0.1} max={200} step={0.5} precision={1} style={{ width: 90 }} />
          </Form.Item>
          <Form.Item name="provider" label={t('workforce.training.provider')}>
            <Input maxLength={100} style={{ width: 200 }} />
          </Form.Item>
        </Space>
        <Form.Item
          name="staffIds"
          label={
            <Space>
              {t('workforce.training.pick')}
              <Button size="small" onClick={() => pickAll((p) => p.counselor != null)}>{t('workforce.training.pickAllCounselors')}</Button>
              <Button size="small" onClick={() => pickAll((p) => p.headTeacher)}>{t('workforce.training.pickAllHeads')}</Button>
            </Space>
          }
          rules={[{ required: true, message: t('workforce.common.required') }]}
        >
          <Select mode="multiple" optionFilterProp="label" maxTagCount={12} data-testid="training-people"
            options={people.map((p) => ({ value: p.staffId, label: `${p.name}${p.counselor ? `（${t(`workforce.school.${p.counselor}`)}）` : p.classNames.length ? `（${p.classNames.join('、')}）` : ''}` }))} />
        </Form.Item>
      </Form>
      {problem && <Alert type="error" showIcon title={problem} />}
    </Modal>
  );
}

function TrainingsTab({ schoolId, version }: { schoolId: number; version: number }) {
  const { t } = useTranslation();
  const [page, setPage] = useState(1);
  const { data, error, reload, loading } = useAsync((signal) => api.get<TrainingList>('/workforce/trainings', { schoolId, page, pageSize: 20 }, { signal }), [schoolId, page, version]);
  return (
    <>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Table
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={data?.items ?? []}
        locale={{ emptyText: t('workforce.training.none') }}
        pagination={{ current: page, pageSize: 20, total: data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
        data-testid="trainings"
        columns={[
          { title: t('workforce.training.date'), dataIndex: 'date', width: 110 },
          { title: t('workforce.training.title'), dataIndex: 'title' },
          { title: t('workforce.training.level'), render: (_, r) => t(`workforce.trainingLevel.${r.level}`), width: 80 },
          { title: t('workforce.training.hours'), dataIndex: 'hours', align: 'right', width: 70 },
          { title: t('workforce.training.provider'), dataIndex: 'provider' },
          { title: t('workforce.training.attendees'), render: (_, r) => <Tooltip title={r.attendees.map((a) => a.name).join('、')}>{t('workforce.common.people', { n: r.attendees.length })}：{r.attendees.slice(0, 4).map((a) => a.name).join('、')}{r.attendees.length > 4 ? '…' : ''}</Tooltip> },
        ]}
      />
    </>
  );
}

/** A school's counselors and head teachers: posts, certificates, training; forms to add certificates and a training for several people. */
export default function SchoolPage() {
  const { t } = useTranslation();
  const id = Number(useParams().id);
  const { data, error, reload, loading } = useAsync((signal) => api.get<SchoolWorkforce>(`/workforce/schools/${id}`, undefined, { signal }), [id]);
  const [certFor, setCertFor] = useState<Person | null>(null);
  const [training, setTraining] = useState(false);
  const [version, setVersion] = useState(0);
  const s = data?.summary;
  const targets = LEVEL_TARGETS;
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="workforce-school">
      <Space wrap>
        <Link to="/workforce">← {t('workforce.common.back')}</Link>
        <Link to="/staff">{t('workforce.overview.staffLink')}</Link>
      </Space>
      <Typography.Title level={4} style={{ margin: 0 }}>{data ? `${data.schoolName} · ${t('workforce.title')}` : t('workforce.title')}</Typography.Title>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      {s && (
        <Card size="small" title={t('workforce.school.summary')} extra={<MetTag ok={s.compliant} />}>
          <Descriptions size="small" column={{ xs: 1, md: 3, xl: 4 }}>
            <Descriptions.Item label={t('workforce.overview.students')}>{s.students}</Descriptions.Item>
            <Descriptions.Item label={t('workforce.overview.counselors')}>{s.fullTime} / {s.partTime}</Descriptions.Item>
            <Descriptions.Item label={t('workforce.overview.required')}>{s.requiredFullTime}</Descriptions.Item>
            <Descriptions.Item label={t('workforce.overview.hours')}>{s.trainingHours}</Descriptions.Item>
            <Descriptions.Item label={t('workforce.overview.counselorCert')}><ShareTag n={s.counselorsCertified} d={s.counselors} /></Descriptions.Item>
            <Descriptions.Item label={t('workforce.overview.levels')}>
              <ShareTag n={s.levelC} d={s.counselors} target={targets.C} /><ShareTag n={s.levelB} d={s.counselors} target={targets.B} /><ShareTag n={s.levelA} d={s.counselors} target={targets.A} />
            </Descriptions.Item>
            <Descriptions.Item label={t('workforce.overview.headCert')}><ShareTag n={s.headTeachersCertified} d={s.headTeachers} /></Descriptions.Item>
            <Descriptions.Item label={t('workforce.overview.expired')}>{s.expiredCertificates}</Descriptions.Item>
          </Descriptions>
          {s.problems.length > 0 && <Alert type="warning" showIcon title={s.problems.join('；')} style={{ marginTop: 8 }} data-testid="school-problems" />}
        </Card>
      )}
      <Tabs
        items={[
          {
            key: 'people',
            label: t('workforce.school.people'),
            children: (
              <Space orientation="vertical" size={8} style={{ width: '100%' }}>
                {data?.canManage && (
                  <Space wrap>
                    <Button type="primary" icon={<PlusOutlined />} onClick={() => setTraining(true)} disabled={!data.people.length} data-testid="training-add">
                      {t('workforce.school.addTraining')}
                    </Button>
                    <ImportTrainings onImported={() => (setVersion((v) => v + 1), reload())} />
                  </Space>
                )}
                <Table<Person>
                  rowKey="staffId"
                  size="small"
                  loading={loading}
                  dataSource={data?.people ?? []}
                  locale={{ emptyText: t('workforce.school.noPeople') }}
                  pagination={{ pageSize: 50, showSizeChanger: false }}
                  data-testid="workforce-people"
                  columns={[
                    { title: t('workforce.cert.staff'), dataIndex: 'name', width: 90 },
                    {
                      title: t('workforce.school.post'),
                      width: 200,
                      render: (_, p) => (
                        <Space size={2} wrap>
                          {p.counselor && <Tag color={p.counselor === 'full' ? 'geekblue' : 'cyan'}>{t(`workforce.school.${p.counselor}`)}</Tag>}
                          {p.headTeacher && <Tag>{t('workforce.school.head')}{p.classNames.length ? ` ${p.classNames.join('、')}` : ''}</Tag>}
                        </Space>
                      ),
                    },
                    { title: t('workforce.school.best'), width: 80, render: (_, p) => (p.bestLevel ? <Tag color="gold">{t(`workforce.level.${p.bestLevel}`)}</Tag> : t('workforce.common.none')) },
                    { title: t('workforce.school.certified'), width: 60, render: (_, p) => (p.certified ? t('workforce.common.yes') : <Typography.Text type="danger">{t('workforce.common.no')}</Typography.Text>) },
                    {
                      title: t('workforce.school.certificates'),
                      render: (_, p) => (
                        <Space size={0} wrap>
                          {p.certificates.map((c) => <CertTag key={c.id} c={c} canManage={!!data?.canManage} onWithdrawn={reload} />)}
                          {data?.canManage && (
                            <Button size="small" type="dashed" icon={<PlusOutlined />} onClick={() => setCertFor(p)} data-testid="cert-add">
                              {t('workforce.school.addCert')}
                            </Button>
                          )}
                        </Space>
                      ),
                    },
                    {
                      title: t('workforce.school.hours'),
                      width: 110,
                      align: 'right',
                      render: (_, p) => (
                        <Tooltip title={TRAINING_LEVELS.filter((l) => p.hours[l] > 0).map((l) => `${t(`workforce.trainingLevel.${l}`)} ${p.hours[l]}`).join('，') || undefined}>
                          {p.hours.total}
                        </Tooltip>
                      ),
                    },
                  ]}
                />
              </Space>
            ),
          },
          { key: 'trainings', label: t('workforce.school.trainings'), children: <TrainingsTab schoolId={id} version={version} /> },
          { key: 'studios', label: t('workforce.studio.title'), children: <StudiosPanel schoolId={id} /> },
        ]}
      />
      {certFor && <AddCertificate person={certFor} onClose={() => setCertFor(null)} onSaved={() => (setCertFor(null), reload())} />}
      {training && data && <AddTraining people={data.people} onClose={() => setTraining(false)} onSaved={() => (setTraining(false), setVersion((v) => v + 1), reload())} />}
    </Space>
  );
}
