import { useState } from 'react';
import { Button, Card, Spin, Table, Typography } from 'antd';
import { ArrowLeftOutlined, PrinterOutlined } from '@ant-design/icons';
import type { z } from 'zod';
import type { contracts } from '@xinyu/core';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { api } from '../../api/client';
import { useAsync } from '../../app/useAsync';
import { ErrorBox } from '../../components/ErrorBox';
import { formatValue } from './DashboardPage';
import './Dashboard.css';

type Records = z.infer<typeof contracts.MetricRecordsOut>;

/** The records behind one school's figure of one metric (the dashboard's drill-down). */
export default function DashboardRecordsPage() {
  const { t } = useTranslation();
  const { key = '', schoolId = '' } = useParams();
  const [params] = useSearchParams();
  const year = Number(params.get('year')) || new Date().getFullYear();
  const [page, setPage] = useState(1);
  const { data: r, error } = useAsync((signal) => api.get<Records>(`/supervision/metrics/${encodeURIComponent(key)}/schools/${schoolId}/records`, { year, page, pageSize: 100 }, { signal }), [key, schoolId, year, page]);
  if (error) return <ErrorBox error={error} />;
  if (!r) return <Spin style={{ display: 'block', margin: 48 }} />;
  return (
    <div className="xy-printable xy-dashboard" data-testid="dashboard-records">
      <Link className="xy-no-print" to={`/supervision/dashboard?unitId=${r.school.id}&year=${r.year}`}><ArrowLeftOutlined /> {t('supervision.dashboard.back')}</Link>
      <Typography.Title level={3} style={{ marginTop: 8 }}>{t('supervision.dashboard.recordsTitle', { school: r.school.name, metric: r.metric.label.zh, year: r.year })}</Typography.Title>
      <Typography.Paragraph>
        {t('supervision.dashboard.recordsFigure', { value: r.figure.suppressed ? '<5' : formatValue(r.figure.value, r.metric.unit), n: r.figure.numerator?.toLocaleString('zh-CN') ?? '<5', d: r.figure.denominator?.toLocaleString('zh-CN') ?? '<5', from: r.from, to: r.to })}
      </Typography.Paragraph>
      <Typography.Paragraph type="secondary">{t('supervision.dashboard.definition')}：{r.metric.definition.zh}</Typography.Paragraph>
      <Button className="xy-no-print" icon={<PrinterOutlined />} onClick={() => window.print()} style={{ marginBottom: 8 }}>{t('supervision.dashboard.print')}</Button>
      <Card size="small">
        <Table
          size="small"
          rowKey={(_, i) => String(i)}
          columns={r.columns.map((c) => ({ title: c.title, dataIndex: c.key, key: c.key }))}
          dataSource={r.rows}
          locale={{ emptyText: t('supervision.dashboard.recordsEmpty') }}
          pagination={{ current: r.page, pageSize: r.pageSize, total: r.total, showSizeChanger: false, onChange: setPage }}
          scroll={{ x: 'max-content' }}
        />
      </Card>
    </div>
  );
}
