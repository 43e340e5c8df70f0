import { useRef, useState } from 'react';
import { Alert, Button, Card, Progress, Space, Table, Typography, Upload } from 'antd';
import { DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, apiUrl, errorMessage } from '../../api/client';
import { SchoolSelect, useSchoolChoice, type ImportResult } from './shared';

/** 导入: a lessons file checked as a whole; any bad row → nothing imported and every problem by row and column. */
export default function ImportPage() {
  const { t } = useTranslation();
  const { schoolId, setSchoolId } = useSchoolChoice();
  const [result, setResult] = useState<ImportResult | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  const inFlight = useRef(false);

  async function upload(file: File) {
    if (!schoolId || inFlight.current) return;
    inFlight.current = true;
    setUploading(true);
    setResult(null);
    setProblem(null);
    try {
      const form = new FormData();
      form.append('file', file, file.name);
      setResult(await api.upload<ImportResult>('/education/lessons/import', form, { query: { schoolId } }));
    } catch (e) {
      setProblem(errorMessage(e));
    } finally {
      inFlight.current = false;
      setUploading(false);
    }
  }

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="lesson-import-page">
      <Typography.Title level={3} style={{ margin: 0 }}>{t('education.import.title')}</Typography.Title>
      <Typography.Text type="secondary">{t('education.import.intro')}</Typography.Text>
      <Space wrap>
        <SchoolSelect value={schoolId} onChange={(id) => (setSchoolId(id), setResult(null))} />
        <Button type="link" icon={<DownloadOutlined />} href={apiUrl('/education/lessons/template')} data-testid="lesson-template">
          {t('education.import.template')}
        </Button>
      </Space>
      {schoolId && (
        <Card>
          <div data-testid="lesson-upload">
            <Upload.Dragger
              accept=".xlsx,.csv"
              multiple={false}
              showUploadList={false}
              disabled={uploading}
              beforeUpload={(file) => {
                void upload(file);
                return false;
              }}
            >
              <p className="ant-upload-drag-icon"><InboxOutlined /></p>
              <p className="ant-upload-text">{t('education.import.upload')}</p>
            </Upload.Dragger>
          </div>
          {uploading && (
            <Space orientation="vertical" style={{ width: '100%', marginTop: 12 }} data-testid="lesson-import-progress">
              <Typography.Text>{t('education.import.uploading')}</Typography.Text>
              <Progress percent={99} status="active" showInfo={false} />
            </Space>
          )}
        </Card>
      )}
      {problem && <Alert type="error" showIcon title={problem} />}
      {result && (
        <Card data-testid="lesson-import-result">
          <Alert type={result.ok ? 'success' : 'error'} showIcon title={result.ok ? t('education.import.done') : t('education.import.failed')} description={result.message} />
          {!result.ok && result.errors.length > 0 && (
            <Table
              style={{ marginTop: 12 }}
              rowKey={(e) => `${e.row}-${e.column}-${e.message}`}
              size="small"
              dataSource={result.errors}
              pagination={{ pageSize: 50, hideOnSinglePage: true }}
              data-testid="lesson-import-errors"
              columns={[
                { title: t('education.import.row'), dataIndex: 'row', width: 70 },
                { title: t('education.import.column'), dataIndex: 'column', width: 140 },
                { title: t('education.import.problem'), dataIndex: 'message' },
              ]}
            />
          )}
        </Card>
      )}
    </Space>
  );
}
