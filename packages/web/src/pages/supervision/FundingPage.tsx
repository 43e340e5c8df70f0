import { useState } from 'react';
import { Alert, Button, Form, Input, InputNumber, Modal, Popconfirm, Select, Space, Table, Tabs, Tag, Typography, Upload } from 'antd';
import { DownloadOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, apiUrl, ApiError, errorMessage } from '../../api/client';
import { applyFormErrors } from '../../app/formErrors';
import { useAsync } from '../../app/useAsync';
import { useQueryState } from '../../app/useQueryState';
import { useSendOnce } from '../../app/useSendOnce';
import { uuid } from '../../app/uuid';
import { ErrorBox } from '../../components/ErrorBox';
import { thisYear, YEARS, type FundingOut } from './shared';

interface FundingForm {
  schoolId: number;
  amountYuan: number;
  source?: string;
  purpose?: string;
}

function AddFunding({ year, schools, onClose, onSaved }: { year: number; schools: FundingOut['schools']; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<FundingForm>();
  const [clientId] = useState(uuid);
  const { busy, problem, send } = useSendOnce();
  return (
    <Modal open title={t('supervision.funding.add')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} okButtonProps={{ 'data-testid': 'funding-save' } as never} destroyOnHidden>
      <Form<FundingForm>
        form={form}
        layout="vertical"
        disabled={busy}
        onFinish={(v) =>
          void send(
            async () => {
              await api.post('/supervision/funding', { clientId, year, schoolId: v.schoolId, amountYuan: v.amountYuan, source: (v.source ?? '').trim(), purpose: (v.purpose ?? '').trim() });
              onSaved();
            },
            (e) => applyFormErrors(form, e, ['schoolId', 'amountYuan', 'source', 'purpose']),
          )
        }
      >
        <Form.Item name="schoolId" label={t('supervision.common.school')} rules={[{ required: true, message: t('supervision.common.required') }]}>
          <Select showSearch={{ optionFilterProp: 'label' }} options={schools.map((s) => ({ value: s.schoolId, label: `${s.districtName} · ${s.schoolName}` }))} data-testid="funding-school" />
        </Form.Item>
        <Form.Item name="amountYuan" label={t('supervision.funding.amount')} rules={[{ required: true, message: t('supervision.common.required') }]}>
          <InputNumber min={0.01} precision={2} style={{ width: 200 }} data-testid="funding-amount" />
        </Form.Item>
        <Form.Item name="source" label={t('supervision.funding.source')}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="purpose" label={t('supervision.funding.purpose')}>
          <Input maxLength={500} />
        </Form.Item>
      </Form>
      {problem && <Alert type="error" showIcon title={problem} />}
    </Modal>
  );
}

/** 心理健康教育经费: every school of the area with its yuan per student against the standard; entry and import for the bureau. */
export default function FundingPage() {
  const { t } = useTranslation();
  const [q, setQ] = useQueryState(['year'] as const);
  const year = Number(q.year ?? thisYear());
  const { data, error, reload, loading } = useAsync((signal) => api.get<FundingOut>('/supervision/funding', { year }, { signal }), [year]);
  const [adding, setAdding] = useState(false);
  const [imported, setImported] = useState<string | null>(null);
  const [importErrors, setImportErrors] = useState<string[]>([]);
  const { busy, problem, send } = useSendOnce();
  const upload = (file: File) =>
    send(
      async () => {
        setImportErrors([]);
        setImported(null);
        const fd = new FormData();
        fd.append('file', file, file.name);
        const r = await api.upload<{ imported: number }>('/supervision/funding/import', fd);
        setImported(t('supervision.funding.imported', { n: r.imported }));
        reload();
      },
      (e) => {
        if (e instanceof ApiError && e.fields) setImportErrors(Object.entries(e.fields).map(([k, v]) => `${k}：${v}`));
        return errorMessage(e);
      },
    );
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="funding-page">
      <Typography.Title level={3} style={{ margin: 0 }}>{t('supervision.menuFunding')}</Typography.Title>
      <Typography.Text type="secondary">{t('supervision.funding.intro')}</Typography.Text>
      <Space wrap>
        {t('supervision.common.year')}
        <Select value={year} style={{ width: 100 }} onChange={(y) => setQ({ year: y })} options={YEARS.map((y) => ({ value: y, label: String(y) }))} />
        {data && <Tag color="blue">{t('supervision.funding.standard', { n: data.standard })}</Tag>}
        {data?.canManage && (
          <>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="funding-add">{t('supervision.funding.add')}</Button>
            <Upload accept=".xlsx,.csv" showUploadList={false} beforeUpload={(f) => (void upload(f), false)} disabled={busy}>
              <Button icon={<UploadOutlined />} loading={busy} data-testid="funding-import">{t('supervision.funding.import')}</Button>
            </Upload>
            <a href={apiUrl('/supervision/funding/template')}><DownloadOutlined /> {t('supervision.funding.template')}</a>
          </>
        )}
      </Space>
      {imported && <Alert type="success" showIcon title={imported} closable />}
      {problem && (
        <Alert type="error" showIcon title={problem} description={importErrors.length ? <ul style={{ margin: 0 }}>{importErrors.map((e) => <li key={e}>{e}</li>)}</ul> : undefined} data-testid="funding-errors" />
      )}
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Tabs
        items={[
          {
            key: 'schools',
            label: t('supervision.common.school'),
            children: (
              <Table
                rowKey="schoolId"
                size="small"
                loading={loading}
                dataSource={data?.schools ?? []}
                pagination={{ pageSize: 50 }}
                data-testid="funding-schools"
                columns={[
                  { title: t('supervision.common.district'), dataIndex: 'districtName', width: 120 },
                  { title: t('supervision.common.school'), dataIndex: 'schoolName' },
                  { title: t('supervision.funding.students'), dataIndex: 'students', width: 110, align: 'right' },
                  { title: t('supervision.funding.total'), dataIndex: 'amountYuan', width: 140, align: 'right', render: (v: number) => v.toLocaleString('zh-CN') },
                  { title: t('supervision.funding.perStudent'), dataIndex: 'perStudent', width: 120, align: 'right', render: (v: number | null) => (v === null ? '—' : v.toFixed(2)), sorter: (a, b) => (a.perStudent ?? 0) - (b.perStudent ?? 0) },
                  { title: '', width: 90, render: (_, s) => (s.met ? <Tag color="green">{t('supervision.funding.met')}</Tag> : <Tag color="red">{t('supervision.funding.notMet')}</Tag>) },
                ]}
              />
            ),
          },
          {
            key: 'records',
            label: t('supervision.funding.records'),
            children: (
              <Table
                rowKey="id"
                size="small"
                dataSource={data?.records ?? []}
                pagination={{ pageSize: 50 }}
                columns={[
                  { title: t('supervision.common.school'), dataIndex: 'schoolName' },
                  { title: t('supervision.funding.amount'), dataIndex: 'amountYuan', align: 'right', width: 130, render: (v: number) => v.toLocaleString('zh-CN') },
                  { title: t('supervision.funding.source'), dataIndex: 'source' },
                  { title: t('supervision.funding.purpose'), dataIndex: 'purpose' },
                  { title: t('supervision.funding.by'), dataIndex: 'createdByName', width: 110 },
                  { title: t('supervision.funding.at'), dataIndex: 'createdAt', width: 150, render: (v: string) => v.slice(0, 10) },
                  ...(data?.canManage
                    ? [{ title: '', width: 70, render: (_: unknown, r: FundingOut['records'][number]) => (
                        <Popconfirm title={t('supervision.funding.delConfirm')} onConfirm={() => void send(async () => (await api.del(`/supervision/funding/${r.id}`), reload()))}>
                          <Button type="link" size="small" danger>{t('supervision.funding.del')}</Button>
                        </Popconfirm>
                      ) }]
                    : []),
                ]}
              />
            ),
          },
        ]}
      />
      {adding && data && (
        <AddFunding
          year={year}
          schools={data.schools}
          onClose={() => setAdding(false)}
          onSaved={() => {
            setAdding(false);
            reload();
          }}
        />
      )}
    </Space>
  );
}
