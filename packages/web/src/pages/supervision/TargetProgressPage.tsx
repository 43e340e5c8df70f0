import { useMemo } from 'react';
import * as echarts from 'echarts/core';
import { MarkLineComponent } from 'echarts/components';
import { Button, Card, Descriptions, Space, Table, Tag, Typography } from 'antd';
import { ArrowLeftOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api } from '../../api/client';
import { useAsync } from '../../app/useAsync';
import { useQueryState } from '../../app/useQueryState';
import { ErrorBox } from '../../components/ErrorBox';
import { EChart, type ChartOption } from '../screening/results/EChart';
import { MetricName, ProgressCell, useFormatValue, type MetricInfo, type ProgressFigure, type TargetDetail, type TargetProgress, type TargetRecords } from './shared';

// the target as a dashed line over the districts' bars
echarts.use([MarkLineComponent]);

type Row = ProgressFigure & { id: number; name: string };

function FigureTable({ rows, unit, onOpen, testId, openLabel }: { rows: Row[]; unit: MetricInfo['unit']; onOpen?: (r: Row) => void; testId: string; openLabel?: string }) {
  const { t } = useTranslation();
  const fmt = useFormatValue();
  return (
    <Table<Row>
      rowKey="id"
      size="small"
      dataSource={rows}
      pagination={rows.length > 30 ? { pageSize: 30 } : false}
      data-testid={testId}
      onRow={(r) => (onOpen ? { onClick: () => onOpen(r), style: { cursor: 'pointer' } } : {})}
      columns={[
        { title: t('supervision.common.school'), dataIndex: 'name', render: (v: string) => (onOpen ? <a>{v}</a> : v) },
        { title: t('supervision.progress.numerator'), width: 100, render: (_, r) => (r.suppressed ? t('supervision.progress.suppressed') : r.numerator) },
        { title: t('supervision.progress.denominator'), width: 100, render: (_, r) => (r.suppressed ? t('supervision.progress.suppressed') : r.denominator) },
        { title: t('supervision.progress.value'), width: 110, render: (_, r) => fmt(r.value, unit) },
        { title: t('supervision.targets.target'), width: 110, render: (_, r) => fmt(r.target, unit) },
        { title: t('supervision.targets.progress'), width: 220, render: (_, r) => <ProgressCell p={r} /> },
        ...(openLabel ? [{ title: '', width: 90, render: () => <a>{openLabel}</a> }] : []),
      ]}
    />
  );
}

/** A target's progress: the caller's area, every district (bar chart and table), then one district's schools. */
export default function TargetProgressPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const en = i18n.language.startsWith('en');
  const navigate = useNavigate();
  const fmt = useFormatValue();
  const [q, setQ] = useQueryState(['districtId'] as const);
  const { data, error, reload } = useAsync((signal) => api.get<TargetProgress>(`/supervision/targets/${id}/progress`, { districtId: q.districtId }, { signal }), [id, q.districtId]);
  const detail = useAsync((signal) => api.get<TargetDetail>(`/supervision/targets/${id}`, undefined, { signal }), [id]);
  const unit = data?.target.metric?.unit ?? 'percent';
  const chart = useMemo<ChartOption | null>(() => {
    if (!data || data.districts.length === 0) return null;
    return {
      tooltip: { trigger: 'axis' },
      grid: { left: 48, right: 72, top: 24, bottom: 32 },
      xAxis: { type: 'category', data: data.districts.map((d) => d.name) },
      yAxis: { type: 'value' },
      series: [
        {
          type: 'bar',
          name: en ? data.target.metric?.label.en : data.target.metric?.label.zh,
          barMaxWidth: 40,
          // a suppressed district draws no bar (not a 0)
          data: data.districts.map((d) => ({ value: d.suppressed ? '-' : (d.value ?? 0), itemStyle: { color: d.met ? '#52c41a' : '#fa8c16' } })),
          markLine: data.target.targetValue !== null ? { symbol: 'none', data: [{ yAxis: data.target.targetValue }], lineStyle: { type: 'dashed', color: '#1677ff' }, label: { formatter: `${t('supervision.targets.target')} {c}` } } : undefined,
        },
      ],
    } as ChartOption;
  }, [data, en, t]);
  if (error !== undefined) return <ErrorBox error={error} onRetry={reload} />;
  if (!data) return null;
  const tg = data.target;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="target-progress-page">
      <Space>
        <Button icon={<ArrowLeftOutlined />} onClick={() => navigate(`/supervision/targets?year=${tg.year}&list=${tg.list}`)}>{t('supervision.common.back')}</Button>
        <Typography.Title level={4} style={{ margin: 0 }}>{tg.task}</Typography.Title>
      </Space>
      <Card size="small">
        <Descriptions size="small" column={{ xs: 1, md: 3 }}>
          <Descriptions.Item label={t('supervision.targets.metric')}><MetricName metric={tg.metric} /></Descriptions.Item>
          <Descriptions.Item label={t('supervision.targets.target')}>{tg.comparator ? `${t(`supervision.comparator.${tg.comparator}`)} ${fmt(data.area.target, unit)}` : ''}</Descriptions.Item>
          <Descriptions.Item label={t('supervision.progress.period')}>{`${data.period.from} ~ ${data.period.to}`}</Descriptions.Item>
          <Descriptions.Item label={data.area.name || t('supervision.progress.area')}>
            <Space data-testid="progress-area">
              <b style={{ whiteSpace: 'nowrap' }}>{fmt(data.area.value, unit)}</b>
              <ProgressCell p={data.area} />
            </Space>
          </Descriptions.Item>
          <Descriptions.Item label={t('supervision.targets.definition')} span={2}>
            <Typography.Text type="secondary">{tg.metric ? (en ? tg.metric.definition.en : tg.metric.definition.zh) : ''}</Typography.Text>
          </Descriptions.Item>
        </Descriptions>
      </Card>
      {data.districts.length > 0 && (
        <Card size="small" title={t('supervision.progress.districts')} extra={<Typography.Text type="secondary">{t('supervision.progress.chooseDistrict')}</Typography.Text>}>
          {chart && <EChart option={chart} height={240} testId="progress-chart" />}
          <Table
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={data.districts}
            data-testid="progress-districts"
            rowClassName={(r) => (data.district?.id === r.id ? 'ant-table-row-selected' : '')}
            onRow={(r) => ({ onClick: () => setQ({ districtId: r.id }), style: { cursor: 'pointer' } })}
            columns={[
              { title: t('supervision.common.district'), dataIndex: 'name', render: (v: string) => <a>{v}</a> },
              { title: t('supervision.progress.numerator'), width: 100, render: (_, r) => (r.suppressed ? t('supervision.progress.suppressed') : r.numerator) },
              { title: t('supervision.progress.denominator'), width: 100, render: (_, r) => (r.suppressed ? t('supervision.progress.suppressed') : r.denominator) },
              { title: t('supervision.progress.value'), width: 110, render: (_, r) => fmt(r.value, unit) },
              { title: t('supervision.targets.target'), width: 110, render: (_, r) => fmt(r.target, unit) },
              { title: t('supervision.targets.progress'), width: 220, render: (_, r) => <ProgressCell p={r} /> },
            ]}
          />
        </Card>
      )}
      {(data.district || data.schools.length > 0) && (
        <Card size="small" title={data.district ? t('supervision.progress.schoolsOf', { name: data.district.name }) : t('supervision.progress.municipal')}>
          <FigureTable rows={data.schools} unit={unit} testId="progress-schools" openLabel={t('supervision.progress.records')} onOpen={(r) => navigate(`/supervision/targets/${id}/schools/${r.id}`)} />
        </Card>
      )}
      {detail.data && detail.data.versions.length > 1 && (
        <Card size="small" title={t('supervision.progress.history')}>
          <Table
            rowKey="at"
            size="small"
            pagination={false}
            dataSource={detail.data.versions}
            columns={[
              { title: t('supervision.funding.at'), dataIndex: 'at', render: (v: string) => v.slice(0, 16).replace('T', ' ') },
              { title: t('supervision.targets.target'), render: (_, v) => (v.comparator ? `${t(`supervision.comparator.${v.comparator as 'at_least'}`)} ${fmt(v.targetValue, unit)}` : '') },
              { title: t('supervision.targets.overrides'), render: (_, v) => Object.values(v.overrides).map((x) => <Tag key={String(x)}>{fmt(x, unit)}</Tag>) },
              { title: t('supervision.progress.by'), dataIndex: 'byName' },
            ]}
          />
        </Card>
      )}
    </Space>
  );
}

/** Drill-down: the records behind one school's figure (no student names). */
export function TargetSchoolRecordsPage() {
  const { id = '', schoolId = '' } = useParams();
  const { t, i18n } = useTranslation();
  const en = i18n.language.startsWith('en');
  const fmt = useFormatValue();
  const { data, error, reload } = useAsync((signal) => api.get<TargetRecords>(`/supervision/targets/${id}/schools/${schoolId}/records`, undefined, { signal }), [id, schoolId]);
  if (error !== undefined) return <ErrorBox error={error} onRetry={reload} />;
  if (!data) return null;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="school-records-page">
      <Space>
        <Link to={`/supervision/targets/${id}`}>
          <Button icon={<ArrowLeftOutlined />}>{t('supervision.common.back')}</Button>
        </Link>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('supervision.records.title', { school: data.school.name, metric: en ? data.metric.label.en : data.metric.label.zh })}</Typography.Title>
      </Space>
      <Space>
        {t('supervision.records.figure')}：<b data-testid="school-figure">{fmt(data.figure.value, data.metric.unit)}</b>
        {!data.figure.suppressed && `（${data.figure.numerator} / ${data.figure.denominator}）`}
        <ProgressCell p={data.figure} />
      </Space>
      <Typography.Text type="secondary">{en ? data.metric.definition.en : data.metric.definition.zh}</Typography.Text>
      <Table
        rowKey={(_, i) => String(i)}
        size="small"
        dataSource={data.rows}
        pagination={data.rows.length > 50 ? { pageSize: 50 } : false}
        locale={{ emptyText: t('supervision.records.empty') }}
        data-testid="school-records"
        columns={data.columns.map((c) => ({ title: c.title, dataIndex: c.key }))}
      />
    </Space>
  );
}
