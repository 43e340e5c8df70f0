import { useState } from 'react';
import { Alert, App, Button, Modal, Radio, Space, Table, Tag, Typography, Upload } from 'antd';
import { ImportOutlined, InboxOutlined } from '@ant-design/icons';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { api, apiUrl, ApiError, errorMessage } from '../../api/client';
import type { InstrumentSummary } from '../../api/types';
import { useAsync } from '../../app/useAsync';
import { useCan } from '../../app/session';
import { ErrorBox } from '../../components/ErrorBox';

type Format = 'xinyu' | 'fhir';

/** 量表库: the built-in questionnaires and the region's imported (licensed) ones. */
export default function InstrumentsPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const can = useCan();
  const lang = i18n.language === 'en-US' ? 'en-US' : 'zh-CN';
  const { data, error, loading, reload } = useAsync((signal) => api.get<{ items: InstrumentSummary[] }>('/instruments', undefined, { signal }), []);
  const [importing, setImporting] = useState(false);
  const [format, setFormat] = useState<Format>('xinyu');
  const [problems, setProblems] = useState<{ message: string; fields: [string, string][] } | null>(null);

  async function upload(file: File) {
    setProblems(null);
    let document: unknown;
    try {
      document = JSON.parse(await file.text());
    } catch {
      setProblems({ message: t('instruments.notJson'), fields: [] });
      return;
    }
    try {
      const r = await api.post<InstrumentSummary>('/instruments', { format, document });
      void message.success(t('instruments.imported', { title: r.title[lang] }));
      setImporting(false);
      reload();
    } catch (e) {
      setProblems({ message: errorMessage(e), fields: e instanceof ApiError && e.fields ? Object.entries(e.fields) : [] });
    }
  }

  const columns: ColumnsType<InstrumentSummary> = [
    { title: t('instruments.name'), key: 'title', render: (_v, r) => <Typography.Text strong>{r.title[lang]}</Typography.Text> },
    { title: t('instruments.key'), dataIndex: 'key', width: 150, render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
    { title: t('instruments.version'), dataIndex: 'version', width: 90 },
    { title: t('instruments.items'), dataIndex: 'itemCount', width: 70 },
    { title: t('instruments.scales'), key: 'scales', render: (_v, r) => r.scales.map((s) => s.name[lang]).join('、') },
    { title: t('instruments.grades'), key: 'grades', width: 110, render: (_v, r) => `${Math.min(...r.gradeLevels)}–${Math.max(...r.gradeLevels)}` },
    {
      title: t('instruments.source'),
      dataIndex: 'source',
      width: 110,
      render: (s: InstrumentSummary['source']) => <Tag color={s === 'builtin' ? 'blue' : 'green'}>{t(`instruments.sources.${s}`)}</Tag>,
    },
    { title: t('instruments.licence'), key: 'licence', ellipsis: true, render: (_v, r) => r.licence[lang] },
    {
      title: '',
      key: 'fhir',
      width: 90,
      render: (_v, r) => (
        <Button type="link" size="small" href={apiUrl(`/instruments/${encodeURIComponent(r.key)}/${encodeURIComponent(r.version)}/fhir`)} target="_blank">
          FHIR
        </Button>
      ),
    },
  ];

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="instruments-page">
      <h1 className="xy-page-title">{t('instruments.title')}</h1>
      <Typography.Paragraph type="secondary">{t('instruments.hint')}</Typography.Paragraph>
      {can('instrument.manage') && (
        <Button type="primary" icon={<ImportOutlined />} onClick={() => setImporting(true)} style={{ alignSelf: 'flex-start' }} data-testid="instruments-import">
          {t('instruments.import')}
        </Button>
      )}
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Table<InstrumentSummary> rowKey={(r) => `${r.key}@${r.version}`} loading={loading} columns={columns} dataSource={data?.items ?? []} pagination={false} scroll={{ x: 1000 }} data-testid="instruments-table" />
      <Modal open={importing} title={t('instruments.import')} onCancel={() => setImporting(false)} footer={null} destroyOnHidden width={640}>
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Radio.Group
            value={format}
            onChange={(e) => setFormat(e.target.value as Format)}
            optionType="button"
            options={[
              { value: 'xinyu', label: t('instruments.formatXinyu') },
              { value: 'fhir', label: t('instruments.formatFhir') },
            ]}
          />
          <Upload.Dragger accept=".json" multiple={false} showUploadList={false} beforeUpload={(file) => { void upload(file); return false; }}>
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p className="ant-upload-text">{t('instruments.choose')}</p>
            <p className="ant-upload-hint">{t('instruments.chooseHint')}</p>
          </Upload.Dragger>
          {problems && (
            <Alert
              type="error"
              showIcon
              title={problems.message}
              description={problems.fields.length ? <ul style={{ margin: 0, paddingLeft: 18 }}>{problems.fields.map(([k, v]) => <li key={k}><Typography.Text code>{k}</Typography.Text> {v}</li>)}</ul> : undefined}
              data-testid="instruments-problems"
            />
          )}
        </Space>
      </Modal>
    </Space>
  );
}
