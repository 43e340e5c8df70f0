import { useState } from 'react';
import { Alert, App, Button, Input, Select, Space, Table, Tag } from 'antd';
import { DownloadOutlined, PlusOutlined, TrophyOutlined } from '@ant-design/icons';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { STUDENT_STATUSES } from '@xinyu/core';
import { api, apiUrl, errorMessage } from '../api/client';
import type { Paged, StudentSummary } from '../api/types';
import { useAsync } from '../app/useAsync';
import { useQueryState } from '../app/useQueryState';
import { useCan } from '../app/session';
import { ErrorBox } from './ErrorBox';
import { OrgUnitSelect } from './OrgUnitSelect';
import { StudentFormModal } from './StudentFormModal';

const KEYS = ['q', 'orgUnitId', 'gender', 'boarding', 'status', 'page', 'pageSize'] as const;

/**
 * The student list with search, filters and server-side pagination. `orgUnitId` fixes the unit;
 * `newClassId` is the class a new student starts in (a class page). With student.write: a new
 * student form, and row selection for graduating students.
 */
export function StudentTable({ orgUnitId, newClassId }: { orgUnitId?: number; newClassId?: number }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const navigate = useNavigate();
  const can = useCan();
  const canWrite = can('student.write');
  const [creating, setCreating] = useState(false);
  const [f, setF] = useQueryState(KEYS);
  const page = Number(f.page ?? 1);
  const pageSize = Number(f.pageSize ?? 20);
  const unit = orgUnitId ?? (f.orgUnitId ? Number(f.orgUnitId) : undefined);
  const filters = { q: f.q, orgUnitId: unit, gender: f.gender, boarding: f.boarding, status: f.status };
  const { data, error, loading, reload } = useAsync(
    (signal) => api.get<Paged<StudentSummary>>('/students', { ...filters, page, pageSize }, { signal }),
    [f.q, unit, f.gender, f.boarding, f.status, page, pageSize],
  );
  // the selection belongs to one view of the list: another filter or page starts afresh
  const view = JSON.stringify([f.q, unit, f.gender, f.boarding, f.status, page, pageSize]);
  const [selection, setSelection] = useState<{ view: string; ids: string[] }>({ view, ids: [] });
  const selected = selection.view === view ? selection.ids : [];

  function graduate() {
    const ids = selected;
    modal.confirm({
      title: t('student.graduateConfirmTitle', { count: ids.length }),
      content: t('student.graduateConfirmBody'),
      okText: t('student.graduate'),
      okButtonProps: { 'data-testid': 'graduate-ok' },
      onOk: () =>
        api
          .post<{ graduated: number }>('/students/graduate', { studentIds: ids })
          .then((r) => {
            void message.success(t('student.graduated', { count: r.graduated }));
            setSelection({ view, ids: [] });
            reload();
          })
          .catch((e: unknown) => void message.error(errorMessage(e))),
    });
  }

  const columns: ColumnsType<StudentSummary> = [
    { title: t('student.studentNo'), dataIndex: 'studentNo', width: 150, render: (v: string, s) => <Link to={`/students/${s.id}`} data-testid="student-no-link">{v}</Link> },
    { title: t('student.name'), dataIndex: 'name', width: 100, render: (v: string, s) => <Link to={`/students/${s.id}`} data-testid="student-link">{v}</Link> },
    { title: t('student.gender'), dataIndex: 'gender', width: 80, render: (g: StudentSummary['gender']) => t(`gender.${g}`) },
    { title: t('student.birthDate'), dataIndex: 'birthDate', width: 110 },
    { title: t('student.school'), dataIndex: 'schoolName', ellipsis: true },
    { title: t('student.grade'), dataIndex: 'gradeName', width: 90 },
    { title: t('student.class'), dataIndex: 'className', width: 80 },
    {
      title: t('student.boarding'),
      dataIndex: 'boarding',
      width: 110,
      render: (b: boolean, s) => (b ? <Tag color="purple">{s.dormitory ?? t('student.boardingYes')}</Tag> : t('student.boardingNo')),
    },
    {
      title: t('student.status'),
      dataIndex: 'status',
      width: 90,
      render: (st: StudentSummary['status']) => <Tag color={st === 'active' ? 'green' : 'default'}>{t(`studentStatus.${st}`)}</Tag>,
    },
  ];

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <Space wrap>
        <Input.Search
          allowClear
          defaultValue={f.q}
          placeholder={t('student.searchPlaceholder')}
          onSearch={(q) => setF({ q, page: 1 })}
          style={{ width: 220 }}
          data-testid="student-search"
        />
        {orgUnitId === undefined && (
          <OrgUnitSelect value={unit} onChange={(id) => setF({ orgUnitId: id, page: 1 })} placeholder={t('org.selectUnit')} testId="student-unit" />
        )}
        <Select
          allowClear
          placeholder={t('student.gender')}
          value={f.gender}
          onChange={(v?: string) => setF({ gender: v, page: 1 })}
          options={[
            { value: 'male', label: t('gender.male') },
            { value: 'female', label: t('gender.female') },
          ]}
          style={{ width: 100 }}
          data-testid="student-gender"
        />
        <Select
          allowClear
          placeholder={t('student.boarding')}
          value={f.boarding}
          onChange={(v?: string) => setF({ boarding: v, page: 1 })}
          options={[
            { value: 'true', label: t('student.boardingYes') },
            { value: 'false', label: t('student.boardingNo') },
          ]}
          style={{ width: 110 }}
          data-testid="student-boarding"
        />
        <Select
          allowClear
          placeholder={t('student.status')}
          value={f.status}
          onChange={(v?: string) => setF({ status: v, page: 1 })}
          options={STUDENT_STATUSES.map((s) => ({ value: s, label: t(`studentStatus.${s}`) }))}
          style={{ width: 120 }}
          data-testid="student-status"
        />
        {can('roster.export') && (
          <Button icon={<DownloadOutlined />} href={apiUrl('/students/export', filters)} data-testid="student-export">
            {t('common.export')}
          </Button>
        )}
        {canWrite && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="student-new">
            {t('student.new')}
          </Button>
        )}
      </Space>
      {selected.length > 0 && (
        <Alert
          type="info"
          title={t('student.selected', { count: selected.length })}
          data-testid="student-selection"
          action={
            <Space>
              <Button size="small" onClick={() => setSelection({ view, ids: [] })}>
                {t('student.clearSelection')}
              </Button>
              <Button size="small" type="primary" icon={<TrophyOutlined />} onClick={graduate} data-testid="student-graduate">
                {t('student.graduate')}
              </Button>
            </Space>
          }
        />
      )}
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Table<StudentSummary>
        rowKey="id"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        scroll={{ x: 960 }}
        data-testid="student-table"
        rowSelection={
          canWrite
            ? {
                selectedRowKeys: selected,
                onChange: (keys) => setSelection({ view, ids: keys.map(String) }),
                // graduation applies to students in school
                getCheckboxProps: (s) => ({ disabled: s.status !== 'active' }),
              }
            : undefined
        }
        pagination={{
          current: page,
          pageSize,
          total: data?.total ?? 0,
          showSizeChanger: true,
          pageSizeOptions: [20, 50, 100],
          showTotal: (total) => t('common.total', { total }),
          onChange: (p, ps) => setF({ page: p, pageSize: ps === 20 ? undefined : ps }),
        }}
      />
      {creating && (
        <StudentFormModal
          open
          classId={newClassId}
          onClose={() => setCreating(false)}
          onSaved={(s) => {
            setCreating(false);
            void navigate(`/students/${s.id}`);
          }}
        />
      )}
    </Space>
  );
}
