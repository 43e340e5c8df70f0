import { useState } from 'react';
import { Alert, App, Button, Form, Input, Modal, Progress, Space, Table, Tag, Typography } from 'antd';
import { CheckCircleOutlined } from '@ant-design/icons';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import { api } from '../../../api/client';
import type { Campaign, SignOff } from '../../../api/types';
import { applyFormErrors } from '../../../app/formErrors';
import { useAsync } from '../../../app/useAsync';
import { useQueryState } from '../../../app/useQueryState';
import { ErrorBox } from '../../../components/ErrorBox';
import { OrgUnitSelect } from '../../../components/OrgUnitSelect';

function ApproveModal({ campaignId, row, onClose, onDone }: { campaignId: string; row: SignOff; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ note?: string }>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <Modal
      open
      title={t('results.signOffs.approveTitle', { school: row.schoolName })}
      okText={t('results.signOffs.approve')}
      okButtonProps={{ 'data-testid': 'signoff-ok' } as Record<string, string>}
      confirmLoading={busy}
      onCancel={onClose}
      destroyOnHidden
      onOk={() => {
        const note = (form.getFieldValue('note') as string | undefined)?.trim();
        setBusy(true);
        setProblem(null);
        api
          .post(`/screening/campaigns/${campaignId}/sign-offs`, { schoolId: row.schoolId, ...(note ? { note } : {}) })
          .then(() => {
            void message.success(t('results.signOffs.approved'));
            onDone();
          })
          .catch((e: unknown) => {
            // 409 while some students are undecided: the server's message says how many
            setProblem(applyFormErrors(form, e, ['note']) ?? null);
          })
          .finally(() => setBusy(false));
      }}
    >
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Typography.Paragraph>{t('results.signOffs.approveBody', { school: row.schoolName, flagged: row.flagged, decided: row.decided })}</Typography.Paragraph>
        {problem && <Alert type="error" showIcon title={problem} data-testid="signoff-error" />}
        <Form form={form} layout="vertical">
          <Form.Item name="note" label={t('results.signOffs.note')}>
            <Input.TextArea rows={3} maxLength={1000} data-testid="signoff-note" />
          </Form.Item>
        </Form>
      </Space>
    </Modal>
  );
}

/** 区县审核: each school's re-check progress and the district's sign-off. */
export default function SignOffTab({ campaign }: { campaign: Campaign }) {
  const { t } = useTranslation();
  const [f, setF] = useQueryState(['sUnit'] as const);
  const unitId = f.sUnit ? Number(f.sUnit) : undefined;
  const { data, error, loading, reload } = useAsync(
    (signal) => api.get<{ items: SignOff[] }>(`/screening/campaigns/${campaign.id}/sign-offs`, { unitId }, { signal }),
    [campaign.id, unitId],
  );
  const [approving, setApproving] = useState<SignOff | null>(null);

  const columns: ColumnsType<SignOff> = [
    { title: t('results.school'), dataIndex: 'schoolName', width: 200 },
    { title: t('results.signOffs.flagged'), dataIndex: 'flagged', width: 90, align: 'right' },
    { title: t('results.signOffs.decided'), dataIndex: 'decided', width: 90, align: 'right' },
    {
      title: t('results.signOffs.progress'),
      key: 'progress',
      width: 160,
      render: (_v, r) => (r.flagged ? <Progress percent={Math.round((r.decided / r.flagged) * 100)} size="small" status={r.decided === r.flagged ? 'success' : 'active'} /> : '—'),
    },
    {
      title: t('results.signOffs.status'),
      key: 'status',
      width: 120,
      render: (_v, r) =>
        r.signedAt ? (
          <Tag color="green" data-testid={`signoff-status-${r.schoolId}`} data-status="signed">
            {t('results.signOffs.signed')}
          </Tag>
        ) : r.decided < r.flagged ? (
          <Tag color="orange" data-testid={`signoff-status-${r.schoolId}`} data-status="incomplete">
            {t('results.signOffs.incomplete')}
          </Tag>
        ) : (
          <Tag color="blue" data-testid={`signoff-status-${r.schoolId}`} data-status="ready">
            {r.flagged ? t('results.signOffs.ready') : t('results.signOffs.nothingFlagged')}
          </Tag>
        ),
    },
    { title: t('results.signOffs.signedBy'), dataIndex: 'signedBy', width: 110, render: (v: string | null) => v ?? '—' },
    { title: t('results.signOffs.signedAt'), dataIndex: 'signedAt', width: 150, render: (v: string | null) => (v ? dayjs(v).format('YYYY-MM-DD HH:mm') : '—') },
    { title: t('results.signOffs.note'), dataIndex: 'note', ellipsis: true, render: (v: string | null) => v ?? '—' },
    {
      title: t('results.actions'),
      key: 'actions',
      width: 120,
      fixed: 'right',
      render: (_v, r) =>
        r.signedAt ? null : (
          <Button size="small" type={r.decided === r.flagged ? 'primary' : 'default'} icon={<CheckCircleOutlined />} onClick={() => setApproving(r)} data-testid={`signoff-${r.schoolId}`}>
            {t('results.signOffs.approve')}
          </Button>
        ),
    },
  ];

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="signoffs-tab">
      <Alert type="info" showIcon title={t('results.signOffs.hint')} />
      <Space wrap>
        <OrgUnitSelect value={unitId} onChange={(v) => setF({ sUnit: v })} selectableKinds={['city', 'district']} maxKind="district" placeholder={t('results.signOffs.unitPlaceholder')} testId="signoffs-unit" />
      </Space>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Table<SignOff>
        rowKey="schoolId"
        size="small"
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        scroll={{ x: 1100 }}
        pagination={false}
        locale={{ emptyText: t('results.signOffs.empty') }}
        data-testid="signoffs-table"
        onRow={(r) => ({ 'data-testid': `signoff-row-${r.schoolId}` }) as React.HTMLAttributes<HTMLElement>}
      />
      {approving && (
        <ApproveModal
          campaignId={campaign.id}
          row={approving}
          onClose={() => setApproving(null)}
          onDone={() => {
            setApproving(null);
            reload();
          }}
        />
      )}
    </Space>
  );
}
