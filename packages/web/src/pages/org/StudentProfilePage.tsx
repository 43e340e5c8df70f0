import { useState } from 'react';
import { Alert, App, Breadcrumb, Button, Card, Checkbox, Col, Descriptions, Empty, Form, Input, Modal, Row, Space, Table, Tag, Timeline, Typography } from 'antd';
import { CalendarOutlined, EditOutlined, PlusOutlined, SwapOutlined, LockOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import dayjs from 'dayjs';
import { api, errorMessage, formErrors } from '../../api/client';
import type { Circumstance, CircumstanceCategory, Guardian, Items, StudentDetail } from '../../api/types';
import { useCan } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { ErrorBox } from '../../components/ErrorBox';
import { Loading } from '../../components/Loading';
import { OrgUnitSelect } from '../../components/OrgUnitSelect';
import { StudentFormModal } from '../../components/StudentFormModal';
import StudentScreeningHistory from '../screening/results/StudentScreeningHistory';
import StudentAlerts from '../warning/StudentAlerts';
import { StudentTimeline } from '../warning/StudentTimeline';

function MoveForm({ student, onDone }: { student: StudentDetail; onDone: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ classId: number; reason?: string }>();
  const [busy, setBusy] = useState(false);
  return (
    <Form
      form={form}
      layout="vertical"
      data-testid="move-form"
      onFinish={(v) => {
        setBusy(true);
        api
          .post(`/students/${student.id}/move`, { classId: v.classId, ...(v.reason?.trim() ? { reason: v.reason.trim() } : {}) })
          .then(() => {
            void message.success(t('student.moved'));
            form.resetFields();
            onDone();
          })
          .catch((e: unknown) => {
            const fe = formErrors(e);
            if (fe.length) form.setFields(fe.map((x) => ({ name: x.name as 'classId', errors: x.errors })));
            else void message.error(errorMessage(e));
          })
          .finally(() => setBusy(false));
      }}
    >
      <Form.Item name="classId" label={t('student.targetClass')} rules={[{ required: true, message: t('common.required') }]}>
        <OrgUnitSelect selectableKinds={['class']} disabledIds={student.classId ? [student.classId] : []} style={{ width: '100%' }} testId="move-class" />
      </Form.Item>
      <Form.Item name="reason" label={t('student.reason')}>
        <Input maxLength={200} />
      </Form.Item>
      <Button type="primary" htmlType="submit" icon={<SwapOutlined />} loading={busy} data-testid="move-submit">
        {t('student.changeClass')}
      </Button>
    </Form>
  );
}

function GuardianModal({ studentId, open, onClose, onSaved }: { studentId: string; open: boolean; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ name: string; relation: string; phone?: string }>();
  const [busy, setBusy] = useState(false);
  return (
    <Modal
      open={open}
      title={t('student.addGuardian')}
      onCancel={onClose}
      confirmLoading={busy}
      destroyOnHidden
      onOk={() =>
        void form
          .validateFields()
          .then(async (v) => {
            setBusy(true);
            try {
              await api.post<Guardian>(`/students/${studentId}/guardians`, { name: v.name.trim(), relation: v.relation.trim(), phone: v.phone?.trim() || null });
              form.resetFields();
              onSaved();
            } catch (e) {
              const fe = formErrors(e);
              if (fe.length) form.setFields(fe.map((x) => ({ name: x.name as 'name', errors: x.errors })));
              else void message.error(errorMessage(e));
            } finally {
              setBusy(false);
            }
          })
          .catch(() => undefined)
      }
    >
      <Form form={form} layout="vertical">
        <Form.Item name="name" label={t('student.guardianName')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
          <Input maxLength={30} />
        </Form.Item>
        <Form.Item name="relation" label={t('student.relation')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
          <Input maxLength={10} placeholder="父亲 / 母亲 / 祖父 …" />
        </Form.Item>
        <Form.Item name="phone" label={t('student.phone')}>
          <Input maxLength={20} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function CircumstancesModal({ student, open, onClose, onSaved }: { student: StudentDetail; open: boolean; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const cats = useAsync((signal) => api.get<Items<CircumstanceCategory>>('/circumstance-categories', undefined, { signal }), []);
  const [selected, setSelected] = useState<Record<string, string>>(() => Object.fromEntries((student.circumstances ?? []).map((c) => [c.code, c.note ?? ''])));
  const [busy, setBusy] = useState(false);
  return (
    <Modal
      open={open}
      title={t('student.editCircumstances')}
      onCancel={onClose}
      confirmLoading={busy}
      destroyOnHidden
      onOk={() => {
        setBusy(true);
        api
          .put(`/students/${student.id}/circumstances`, { items: Object.entries(selected).map(([code, note]) => ({ code, note: note.trim() || null })) })
          .then(onSaved)
          .catch((e: unknown) => void message.error(errorMessage(e)))
          .finally(() => setBusy(false));
      }}
    >
      {cats.error !== undefined && <ErrorBox error={cats.error} />}
      <Space orientation="vertical" style={{ width: '100%' }}>
        {(cats.data?.items ?? []).map((c) => (
          <div key={c.code}>
            <Checkbox
              checked={c.code in selected}
              onChange={(e) =>
                setSelected((s) => (e.target.checked ? { ...s, [c.code]: '' } : Object.fromEntries(Object.entries(s).filter(([k]) => k !== c.code))))
              }
            >
              {c.label}
            </Checkbox>
            {c.code in selected && (
              <Input
                size="small"
                placeholder={t('student.note')}
                value={selected[c.code]}
                maxLength={500}
                onChange={(e) => setSelected((s) => ({ ...s, [c.code]: e.target.value }))}
                style={{ marginTop: 4 }}
              />
            )}
          </div>
        ))}
      </Space>
    </Modal>
  );
}

export default function StudentProfilePage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const can = useCan();
  const id = useParams().id ?? '';
  const { data: s, error, loading, reload } = useAsync((signal) => api.get<StudentDetail>(`/students/${id}`, undefined, { signal }), [id]);
  const [modal, setModal] = useState<'guardian' | 'circ' | 'edit' | null>(null);

  if (loading && !s) return <Loading />;
  if (error !== undefined || !s) return <ErrorBox error={error} onRetry={reload} />;

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="student-profile">
      <Breadcrumb items={[{ title: <Link to="/students">{t('student.title')}</Link> }, { title: s.name }]} />
      <Card
        title={
          <Space wrap>
            <span data-testid="student-name">{s.name}</span>
            <Typography.Text type="secondary" style={{ fontWeight: 'normal' }}>
              {s.studentNo}
            </Typography.Text>
            <Tag color={s.status === 'active' ? 'green' : 'default'} data-testid="student-status-tag">
              {t(`studentStatus.${s.status}`)}
            </Tag>
          </Space>
        }
        extra={
          <Space>
            {can('appointment.book') && s.status === 'active' && (
              <Link to={`/counseling/book/${s.id}`} data-testid="student-book-counseling">
                <Button icon={<CalendarOutlined />}>{t('counseling.book.title')}</Button>
              </Link>
            )}
            {can('student.write') && (
              <Button icon={<EditOutlined />} onClick={() => setModal('edit')} data-testid="student-edit">
                {t('common.edit')}
              </Button>
            )}
          </Space>
        }
      >
        <Descriptions
          size="small"
          column={{ xs: 1, sm: 2, lg: 3 }}
          items={[
            { key: 'no', label: t('student.studentNo'), children: s.studentNo },
            { key: 'g', label: t('student.gender'), children: t(`gender.${s.gender}`) },
            { key: 'b', label: t('student.birthDate'), children: s.birthDate },
            { key: 's', label: t('student.school'), children: <Link to={`/org/units/${s.schoolId}`}>{s.schoolName}</Link> },
            { key: 'gr', label: t('student.grade'), children: s.gradeId ? <Link to={`/org/units/${s.gradeId}`}>{s.gradeName}</Link> : '—' },
            { key: 'c', label: t('student.class'), children: s.classId ? <Link to={`/org/units/${s.classId}`}>{s.className}</Link> : '—' },
            { key: 'e', label: t('student.enrolmentYear'), children: s.enrolmentYear },
            { key: 'bo', label: t('student.boarding'), children: s.boarding ? t('student.boardingYes') : t('student.boardingNo') },
            ...(s.boarding ? [{ key: 'd', label: t('student.dormitory'), children: s.dormitory ?? '—' }] : []),
          ]}
        />
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            {s.guardians && (
              <Card
                size="small"
                title={t('student.guardians')}
                data-testid="student-guardians"
                extra={
                  can('guardian.write') && (
                    <Button size="small" icon={<PlusOutlined />} onClick={() => setModal('guardian')}>
                      {t('student.addGuardian')}
                    </Button>
                  )
                }
              >
                <Table<Guardian>
                  rowKey="id"
                  size="small"
                  pagination={false}
                  dataSource={s.guardians}
                  locale={{ emptyText: t('common.none') }}
                  columns={[
                    { title: t('student.guardianName'), dataIndex: 'name' },
                    { title: t('student.relation'), dataIndex: 'relation' },
                    { title: t('student.phone'), dataIndex: 'phone', render: (p: string | null) => p ?? '—' },
                  ]}
                />
              </Card>
            )}
            {s.circumstances && (
              <Card
                size="small"
                title={
                  <Space>
                    <LockOutlined />
                    {t('student.circumstances')}
                  </Space>
                }
                data-testid="student-circumstances"
                extra={
                  can('student.sensitive.write') && (
                    <Button size="small" icon={<EditOutlined />} onClick={() => setModal('circ')}>
                      {t('common.edit')}
                    </Button>
                  )
                }
              >
                <Alert type="warning" showIcon title={t('student.circumstancesHint')} style={{ marginBottom: 8 }} />
                {s.circumstances.length === 0 ? (
                  <Typography.Text type="secondary">{t('student.noCircumstances')}</Typography.Text>
                ) : (
                  <Space orientation="vertical" style={{ width: '100%' }}>
                    {s.circumstances.map((c: Circumstance) => (
                      <div key={c.code}>
                        <Tag color="orange">{c.label}</Tag>
                        {c.note && <Typography.Text>{c.note}</Typography.Text>}
                        <Typography.Text type="secondary" style={{ fontSize: 12, marginLeft: 8 }}>
                          {t('student.since')} {dayjs(c.since).format('YYYY-MM-DD')}
                        </Typography.Text>
                      </div>
                    ))}
                  </Space>
                )}
              </Card>
            )}
            {can('student.write') && s.status === 'active' && (
              <Card size="small" title={t('student.changeClass')}>
                <MoveForm student={s} onDone={reload} />
              </Card>
            )}
          </Space>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('student.history')} data-testid="student-history">
            {s.history.length === 0 ? (
              <Empty description={t('student.noHistory')} />
            ) : (
              <Timeline
                items={s.history.map((h, i) => ({
                  key: i,
                  color: h.kind === 'enrol' ? 'green' : h.kind === 'graduate' ? 'gray' : 'blue',
                  title: dayjs(h.at).format('YYYY-MM-DD'),
                  content: (
                    <div>
                      <Tag>{t(`historyKind.${h.kind}`)}</Tag>
                      {h.fromName ? `${h.fromName} → ` : ''}
                      {h.toName ?? ''}
                      {h.reason && (
                        <Typography.Text type="secondary" style={{ display: 'block' }}>
                          {h.reason}
                        </Typography.Text>
                      )}
                    </div>
                  ),
                }))}
              />
            )}
          </Card>
        </Col>
      </Row>
      {(can('alert.read') || can('alert.raise')) && <StudentAlerts student={s} />}
      <StudentTimeline studentId={s.id} />
      {can('screening.results') && <StudentScreeningHistory studentId={s.id} />}
      <GuardianModal
        studentId={s.id}
        open={modal === 'guardian'}
        onClose={() => setModal(null)}
        onSaved={() => {
          setModal(null);
          void message.success(t('common.saved'));
          reload();
        }}
      />
      {modal === 'edit' && (
        <StudentFormModal
          open
          student={s}
          onClose={() => setModal(null)}
          onSaved={() => {
            setModal(null);
            reload();
          }}
        />
      )}
      {modal === 'circ' && (
        <CircumstancesModal
          student={s}
          open
          onClose={() => setModal(null)}
          onSaved={() => {
            setModal(null);
            void message.success(t('common.saved'));
            reload();
          }}
        />
      )}
    </Space>
  );
}
