import { useEffect, useMemo, useRef, useState } from 'react';
import { Alert, App, Button, Card, Form, Progress, Radio, Select, Space, Table, Tag, Typography, Upload } from 'antd';
import { DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import { api, apiUrl, errorMessage } from '../../api/client';
import type { ImportJob, Items } from '../../api/types';
import { useOrgTree } from '../../app/orgTree';
import { useAsync } from '../../app/useAsync';
import { uuid } from '../../app/uuid';
import { ErrorBox } from '../../components/ErrorBox';

type Kind = ImportJob['kind'];
type RowError = ImportJob['errors'][number];
const FINAL: ImportJob['status'][] = ['done', 'rejected', 'failed'];
const STATUS_COLOR: Record<ImportJob['status'], string> = {
  queued: 'default',
  validating: 'processing',
  writing: 'processing',
  done: 'success',
  rejected: 'error',
  failed: 'error',
};

function JobView({ job }: { job: ImportJob }) {
  const { t } = useTranslation();
  const percent = job.totalRows > 0 ? Math.min(100, Math.round((job.processedRows / job.totalRows) * 100)) : job.status === 'done' ? 100 : 0;
  const errorColumns: ColumnsType<RowError> = [
    { title: t('imports.row'), dataIndex: 'row', width: 80 },
    { title: t('imports.column'), dataIndex: 'column', width: 140 },
    { title: t('imports.problem'), dataIndex: 'message' },
  ];
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="import-job" data-status={job.status}>
      <Space wrap>
        <Typography.Text strong>{job.fileName}</Typography.Text>
        <Tag color={STATUS_COLOR[job.status]} data-testid="import-status">
          {t(`imports.status.${job.status}`)}
        </Tag>
        {job.phase && <Typography.Text type="secondary">{job.phase}</Typography.Text>}
      </Space>
      <Progress
        percent={percent}
        status={job.status === 'rejected' || job.status === 'failed' ? 'exception' : job.status === 'done' ? 'success' : 'active'}
        format={() => `${job.processedRows} / ${job.totalRows}`}
        data-testid="import-progress"
      />
      {job.status === 'done' && (
        <Alert
          type="success"
          showIcon
          data-testid="import-done"
          title={t('imports.done', { created: job.created, updated: job.updated, unchanged: job.unchanged })}
        />
      )}
      {job.status === 'failed' && <Alert type="error" showIcon title={t('imports.failed')} description={job.message ?? undefined} />}
      {job.status === 'rejected' && (
        <>
          <Alert
            type="error"
            showIcon
            data-testid="import-rejected"
            title={t('imports.rejected', { count: job.errorCount })}
            description={job.errors.length === 0 ? (job.message ?? undefined) : undefined}
          />
          <Table<RowError>
            size="small"
            rowKey={(r) => `${r.row}:${r.column}:${r.message}`}
            columns={errorColumns}
            dataSource={job.errors}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            data-testid="import-errors"
          />
        </>
      )}
      {job.credentials && job.credentials.length > 0 && (
        <Card size="small" title={t('imports.credentials')} data-testid="import-credentials">
          <Table
            size="small"
            rowKey="username"
            pagination={false}
            dataSource={job.credentials}
            columns={[
              { title: t('staff.name'), dataIndex: 'name' },
              { title: t('imports.username'), dataIndex: 'username' },
              { title: t('imports.password'), dataIndex: 'password', render: (p: string) => <Typography.Text code copyable>{p}</Typography.Text> },
            ]}
          />
        </Card>
      )}
    </Space>
  );
}

export default function ImportPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { units } = useOrgTree();
  const schools = useMemo(() => units.filter((u) => u.kind === 'school' && u.active).sort((a, b) => a.name.localeCompare(b.name, 'zh-CN')), [units]);
  const [schoolId, setSchoolId] = useState<number | undefined>(undefined);
  const [kind, setKind] = useState<Kind>('students');
  const [job, setJob] = useState<ImportJob | null>(null);
  const [uploading, setUploading] = useState(false);
  // the file input may report one choice twice; one upload at a time, decided synchronously
  const inFlight = useRef(false);
  const effectiveSchool = schoolId ?? (schools.length === 1 ? schools[0]!.id : undefined);

  const history = useAsync(
    (signal) => (effectiveSchool ? api.get<Items<ImportJob>>('/imports', { schoolId: effectiveSchool }, { signal }) : Promise.resolve({ items: [] })),
    [effectiveSchool],
  );

  // Poll the running job every 500 ms until it is finished.
  const jobId = job?.id;
  const running = job ? !FINAL.includes(job.status) : false;
  useEffect(() => {
    if (!jobId || !running) return;
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = () => {
      api
        .get<ImportJob>(`/imports/${jobId}`)
        .then((j) => {
          if (stop) return;
          setJob(j);
          if (!FINAL.includes(j.status)) timer = setTimeout(tick, 500);
          else history.reload();
        })
        .catch((e: unknown) => {
          if (stop) return;
          void message.error(errorMessage(e));
          timer = setTimeout(tick, 2000);
        });
    };
    timer = setTimeout(tick, 500);
    return () => {
      stop = true;
      if (timer) clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [jobId, running]);

  async function upload(file: File) {
    if (!effectiveSchool || inFlight.current) return;
    inFlight.current = true;
    setUploading(true);
    setJob(null);
    try {
      const form = new FormData();
      form.append('file', file, file.name);
      const started = await api.upload<ImportJob>('/imports', form, {
        query: { kind, schoolId: effectiveSchool },
        headers: { 'idempotency-key': uuid() },
      });
      setJob(started);
      if (FINAL.includes(started.status)) history.reload();
    } catch (e) {
      void message.error(errorMessage(e));
    } finally {
      inFlight.current = false;
      setUploading(false);
    }
  }

  const historyColumns: ColumnsType<ImportJob> = [
    { title: t('imports.at'), dataIndex: 'createdAt', width: 160, render: (v: string) => dayjs(v).format('YYYY-MM-DD HH:mm') },
    { title: t('imports.kind'), dataIndex: 'kind', width: 110, render: (k: Kind) => t(`imports.${k}`) },
    { title: t('imports.file'), dataIndex: 'fileName', ellipsis: true },
    { title: t('imports.rows'), dataIndex: 'totalRows', width: 80 },
    {
      title: t('imports.result'),
      key: 'result',
      render: (_v, j) => (
        <Space size={4} wrap>
          <Tag color={STATUS_COLOR[j.status]}>{t(`imports.status.${j.status}`)}</Tag>
          {j.status === 'done' && <Typography.Text type="secondary">+{j.created} ~{j.updated} ={j.unchanged}</Typography.Text>}
          {j.status === 'rejected' && <Typography.Text type="danger">{j.errorCount}</Typography.Text>}
        </Space>
      ),
    },
    { title: '', key: 'view', width: 70, render: (_v, j) => <Button size="small" type="link" onClick={() => setJob(j)}>{t('common.view')}</Button> },
  ];

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="import-page">
      <h1 className="xy-page-title">{t('imports.title')}</h1>
      <Card>
        <Form layout="vertical" style={{ maxWidth: 640 }}>
          <Form.Item label={t('imports.school')} required>
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              placeholder={t('imports.chooseSchool')}
              value={effectiveSchool}
              onChange={(v: number) => setSchoolId(v)}
              options={schools.map((s) => ({ value: s.id, label: s.name }))}
              data-testid="import-school"
            />
          </Form.Item>
          <Form.Item label={t('imports.kind')}>
            <Space wrap>
              <Radio.Group
                value={kind}
                onChange={(e) => setKind(e.target.value as Kind)}
                optionType="button"
                options={[
                  { value: 'students', label: t('imports.students') },
                  { value: 'staff', label: t('imports.staff') },
                ]}
                data-testid="import-kind"
              />
              <Button type="link" icon={<DownloadOutlined />} href={apiUrl('/imports/template', { kind })} data-testid="import-template">
                {t('imports.template')}
              </Button>
            </Space>
          </Form.Item>
          <div data-testid="import-upload">
          <Upload.Dragger
            accept=".xlsx,.csv"
            multiple={false}
            showUploadList={false}
            disabled={!effectiveSchool || uploading || running}
            beforeUpload={(file) => {
              void upload(file);
              return false;
            }}
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p className="ant-upload-text">{t('imports.upload')}</p>
            <p className="ant-upload-hint">{t('imports.uploadHint')}</p>
          </Upload.Dragger>
          </div>
        </Form>
      </Card>
      {job && (
        <Card title={t('imports.progress')}>
          <JobView job={job} />
        </Card>
      )}
      {effectiveSchool && (
        <Card title={t('imports.history')} size="small">
          {history.error !== undefined && <ErrorBox error={history.error} onRetry={history.reload} />}
          <Table<ImportJob>
            rowKey="id"
            size="small"
            loading={history.loading}
            columns={historyColumns}
            dataSource={history.data?.items ?? []}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            scroll={{ x: 640 }}
            data-testid="import-history"
          />
        </Card>
      )}
    </Space>
  );
}
