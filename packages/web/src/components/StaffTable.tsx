import { useState } from 'react';
import { App, Button, Input, Popconfirm, Select, Space, Table, Tag } from 'antd';
import { DownloadOutlined, PlusOutlined } from '@ant-design/icons';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { STAFF_POSTS } from '@xinyu/core';
import { api, apiUrl, errorMessage } from '../api/client';
import type { Paged, Staff } from '../api/types';
import { useAsync } from '../app/useAsync';
import { useQueryState } from '../app/useQueryState';
import { useCan } from '../app/session';
import { ErrorBox } from './ErrorBox';
import { OrgUnitSelect } from './OrgUnitSelect';
import { StaffFormModal } from './StaffFormModal';

const KEYS = ['sq', 'sunit', 'post', 'spage', 'spageSize'] as const;

/** The staff list; with staff.write a new staff member form (`newSchoolId`: the school it starts with). */
export function StaffTable({ orgUnitId, newSchoolId }: { orgUnitId?: number; newSchoolId?: number }) {
  const { t } = useTranslation();
  const can = useCan();
  const { message } = App.useApp();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Staff | undefined>(undefined);
  const [f, setF] = useQueryState(KEYS);
  const page = Number(f.spage ?? 1);
  const pageSize = Number(f.spageSize ?? 20);
  const unit = orgUnitId ?? (f.sunit ? Number(f.sunit) : undefined);
  const filters = { q: f.sq, orgUnitId: unit, post: f.post };
  const { data, error, loading, reload } = useAsync(
    (signal) => api.get<Paged<Staff>>('/staff', { ...filters, page, pageSize }, { signal }),
    [f.sq, unit, f.post, page, pageSize],
  );
  const columns: ColumnsType<Staff> = [
    { title: t('staff.name'), dataIndex: 'name', width: 100 },
    { title: t('staff.staffNo'), dataIndex: 'staffNo', width: 110 },
    { title: t('staff.phone'), dataIndex: 'phone', width: 130 },
    { title: t('staff.school'), dataIndex: 'schoolName', ellipsis: true },
    { title: t('staff.subject'), dataIndex: 'subject', width: 90 },
    {
      title: t('staff.posts'),
      dataIndex: 'posts',
      render: (posts: Staff['posts']) => (
        <Space size={[4, 4]} wrap>
          {posts.map((p, i) => (
            <Tag key={i} color={p.post === 'head_teacher' ? 'blue' : p.post.startsWith('counselor') ? 'purple' : 'default'}>
              {t(`staffPost.${p.post}`)}
              {p.className ? ` · ${p.className}` : ''}
            </Tag>
          ))}
        </Space>
      ),
    },
    { title: t('staff.username'), dataIndex: 'username', width: 130 },
    ...(can('staff.write')
      ? [
          {
            title: t('staff.actions'),
            key: 'actions',
            width: 130,
            render: (_v: unknown, s: Staff) => (
              <Space size={0}>
                <Button type="link" size="small" onClick={() => setEditing(s)} data-testid="staff-edit">
                  {t('staff.editAction')}
                </Button>
                <Popconfirm
                  title={t('staff.deactivateConfirm')}
                  onConfirm={async () => {
                    try {
                      await api.post(`/staff/${s.id}/deactivate`);
                      void message.success(t('staff.deactivated'));
                      reload();
                    } catch (e) {
                      void message.error(errorMessage(e));
                    }
                  }}
                >
                  <Button type="link" size="small" danger data-testid="staff-deactivate">
                    {t('staff.deactivate')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]
      : []),
  ];
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <Space wrap>
        <Input.Search allowClear defaultValue={f.sq} placeholder={t('staff.searchPlaceholder')} onSearch={(q) => setF({ sq: q, spage: 1 })} style={{ width: 220 }} data-testid="staff-search" />
        {orgUnitId === undefined && <OrgUnitSelect value={unit} onChange={(id) => setF({ sunit: id, spage: 1 })} maxKind="school" placeholder={t('org.selectUnit')} />}
        <Select
          allowClear
          placeholder={t('staff.post')}
          value={f.post}
          onChange={(v?: string) => setF({ post: v, spage: 1 })}
          options={STAFF_POSTS.map((p) => ({ value: p, label: t(`staffPost.${p}`) }))}
          style={{ width: 150 }}
        />
        {can('staff.read') && (
          <Button icon={<DownloadOutlined />} href={apiUrl('/staff/export', filters)}>
            {t('common.export')}
          </Button>
        )}
        {can('staff.write') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="staff-new">
            {t('staff.new')}
          </Button>
        )}
      </Space>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Table<Staff>
        rowKey="id"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        scroll={{ x: 900 }}
        data-testid="staff-table"
        pagination={{
          current: page,
          pageSize,
          total: data?.total ?? 0,
          showSizeChanger: true,
          showTotal: (total) => t('common.total', { total }),
          onChange: (p, ps) => setF({ spage: p, spageSize: ps === 20 ? undefined : ps }),
        }}
      />
      <StaffFormModal
        open={creating || editing !== undefined}
        schoolId={newSchoolId}
        staff={editing}
        onClose={() => {
          setCreating(false);
          setEditing(undefined);
        }}
        onSaved={() => {
          setCreating(false);
          setEditing(undefined);
          reload();
        }}
      />
    </Space>
  );
}
