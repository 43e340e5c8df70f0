import { useState } from 'react';
import { Alert, Button, Card, DatePicker, Form, Input, InputNumber, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { applyFormErrors } from '../../app/formErrors';
import { useCan } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { useSendOnce, useSendOnceFor } from '../../app/useSendOnce';
import { uuid } from '../../app/uuid';
import { ErrorBox } from '../../components/ErrorBox';
import { SchoolSelect, useSchoolChoice, type Club, type ClubList, type Teacher } from './shared';

interface ClubForm {
  name: string;
  advisorStaffId?: string;
  members: number;
  foundedOn?: Dayjs;
}

function AddClub({ schoolId, onAdded }: { schoolId: number; onAdded: () => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [clientId, setClientId] = useState(uuid);
  const [form] = Form.useForm<ClubForm>();
  const { busy, problem, send } = useSendOnce();
  const teachers = useAsync((signal) => (open ? api.get<{ items: Teacher[] }>('/education/teachers', { schoolId }, { signal }) : Promise.resolve(undefined)), [schoolId, open]);
  return (
    <>
      <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)} data-testid="club-add">{t('education.clubs.add')}</Button>
      <Modal open={open} title={t('education.clubs.add')} onCancel={() => setOpen(false)} onOk={() => form.submit()} confirmLoading={busy} destroyOnHidden okButtonProps={{ 'data-testid': 'club-add-ok' }}>
        <Form
          form={form}
          layout="vertical"
          disabled={busy}
          initialValues={{ members: 0 }}
          onFinish={(v) =>
            void send(
              async () => {
                await api.post<Club>('/education/clubs', {
                  schoolId, name: v.name.trim(), members: v.members, clientId,
                  ...(v.advisorStaffId ? { advisorStaffId: v.advisorStaffId } : {}),
                  ...(v.foundedOn ? { foundedOn: v.foundedOn.format('YYYY-MM-DD') } : {}),
                });
                setClientId(uuid());
                setOpen(false);
                form.resetFields();
                onAdded();
              },
              (e) => applyFormErrors(form, e, ['name', 'advisorStaffId', 'members', 'foundedOn']),
            )
          }
        >
          <Form.Item name="name" label={t('education.clubs.name')} rules={[{ required: true, whitespace: true, message: t('education.common.required') }]}>
            <Input maxLength={50} />
          </Form.Item>
          <Form.Item name="advisorStaffId" label={t('education.clubs.advisor')}>
            <Select allowClear showSearch={{ optionFilterProp: 'label' }} loading={teachers.loading} options={(teachers.data?.items ?? []).map((s) => ({ value: s.id, label: `${s.name}${s.isMe ? t('education.common.me') : ''}` }))} />
          </Form.Item>
          <Space wrap>
            <Form.Item name="members" label={t('education.clubs.members')}>
              <InputNumber min={0} max={10000} />
            </Form.Item>
            <Form.Item name="foundedOn" label={t('education.clubs.founded')}>
              <DatePicker />
            </Form.Item>
          </Space>
        </Form>
        {problem && <Alert type="error" showIcon title={problem} />}
      </Modal>
    </>
  );
}

/** 学生心理社团: the clubs of a school (or all in scope) and the count per school. */
export default function ClubsPage() {
  const { t } = useTranslation();
  const can = useCan();
  const { schoolId, setSchoolId, schools } = useSchoolChoice();
  const [tick, setTick] = useState(0);
  const { data, error, loading, reload } = useAsync((signal) => api.get<ClubList>('/education/clubs', { schoolId, includeInactive: 'true' }, { signal }), [schoolId, tick]);
  const { busyKey, problem, send } = useSendOnceFor();
  const total = (data?.bySchool ?? []).reduce((a, b) => a + b.active, 0);
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="clubs-page">
      <Typography.Title level={3} style={{ margin: 0 }}>{t('education.clubs.title')}</Typography.Title>
      <Space wrap>
        <SchoolSelect value={schoolId} onChange={setSchoolId} />
        {schoolId && schools.length > 1 && <Button type="link" onClick={() => setSchoolId(undefined)}>{t('education.common.allSchools')}</Button>}
        {can('education.record') && schoolId && <AddClub schoolId={schoolId} onAdded={() => setTick((x) => x + 1)} />}
      </Space>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      {problem && <Alert type="error" showIcon title={problem} />}
      <Table<Club>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={data?.items ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: 720 }}
        data-testid="clubs-table"
        columns={[
          { title: t('education.common.school'), dataIndex: 'schoolName' },
          { title: t('education.clubs.name'), dataIndex: 'name' },
          { title: t('education.clubs.advisor'), dataIndex: 'advisorName', width: 100 },
          { title: t('education.clubs.members'), dataIndex: 'members', width: 80 },
          { title: t('education.clubs.founded'), dataIndex: 'foundedOn', width: 110, render: (v: string | null) => v ?? '—' },
          { title: t('education.clubs.active'), width: 90, render: (_, c) => <Tag color={c.active ? 'green' : undefined}>{c.active ? t('education.clubs.activeYes') : t('education.clubs.activeNo')}</Tag> },
          {
            title: '',
            width: 80,
            render: (_, c) =>
              c.canEdit && (
                <Button size="small" type="link" loading={busyKey === c.id} onClick={() => void send(c.id, async () => (await api.put(`/education/clubs/${c.id}`, { active: !c.active }), setTick((x) => x + 1)))}>
                  {c.active ? t('education.clubs.deactivate') : t('education.clubs.activate')}
                </Button>
              ),
          },
        ]}
      />
      <Card size="small" title={t('education.clubs.bySchool')} extra={t('education.clubs.total', { n: total })}>
        <Table
          rowKey="schoolId"
          size="small"
          dataSource={data?.bySchool ?? []}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          columns={[
            { title: t('education.common.school'), dataIndex: 'schoolName' },
            { title: t('education.clubs.count'), dataIndex: 'active', width: 100 },
          ]}
        />
      </Card>
    </Space>
  );
}
