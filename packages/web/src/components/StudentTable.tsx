import { Button, Input, Select, Space, Table, Tag } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { STUDENT_STATUSES } from '@xinyu/core';
import { api, apiUrl } from '../api/client';
import type { Paged, StudentSummary } from '../api/types';
import { useAsync } from '../app/useAsync';
import { useQueryState } from '../app/useQueryState';
import { useCan } from '../app/session';
import { ErrorBox } from './ErrorBox';
import { OrgUnitSelect } from './OrgUnitSelect';

const KEYS = ['q', 'orgUnitId', 'gender', 'boarding', 'status', 'page', 'pageSize'] as const;

/** The student list with search, filters and server-side pagination. `orgUnitId` fixes the unit. */
export function StudentTable({ orgUnitId }: { orgUnitId?: number }) {
  const { t } = useTranslation();
  const can = useCan();
  const [f, setF] = useQueryState(KEYS);
  const page = Number(f.page ?? 1);
  const pageSize = Number(f.pageSize ?? 20);
  const unit = orgUnitId ?? (f.orgUnitId ? Number(f.orgUnitId) : undefined);
  const filters = { q: f.q, orgUnitId: unit, gender: f.gender, boarding: f.boarding, status: f.status };
  const { data, error, loading, reload } = useAsync(
    (signal) => api.get<Paged<StudentSummary>>('/students', { ...filters, page, pageSize }, { signal }),
    [f.q, unit, f.gender, f.boarding, f.status, page, pageSize],
  );

  const columns: ColumnsType<StudentSummary> = [
    { title: t('student.studentNo'), dataIndex: 'studentNo', width: 150, render: (v: string, s) => <Link to={`/students/${s.id}`}>{v}</Link> },
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
      </Space>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Table<StudentSummary>
        rowKey="id"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        scroll={{ x: 960 }}
        data-testid="student-table"
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
    </Space>
  );
}
