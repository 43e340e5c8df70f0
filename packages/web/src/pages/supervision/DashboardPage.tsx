import { useMemo, useState } from 'react';
import { Alert, Breadcrumb, Button, Card, Col, Empty, Row, Select, Space, Spin, Statistic, Table, Tag, Tooltip, Typography } from 'antd';
import { AimOutlined, DownloadOutlined, PrinterOutlined } from '@ant-design/icons';
import type { z } from 'zod';
import type { contracts } from '@xinyu/core';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { api, apiUrl } from '../../api/client';
import { useAsync } from '../../app/useAsync';
import { ErrorBox } from '../../components/ErrorBox';
import { DashboardChart, type DashboardChartOption } from './DashboardChart';
import './Dashboard.css';

export type Dashboard = z.infer<typeof contracts.Dashboard>;
type Metric = Dashboard['metrics'][number];
type Child = Dashboard['children'][number];
type Figure = z.infer<typeof contracts.DashboardFigure>;
type MetricUnit = Metric['unit'];

const UNIT_SUFFIX: Record<MetricUnit, string> = { percent: '%', yuan_per_student: ' 元/生', per_thousand: '‰', count: '' };

export const formatValue = (v: number | null, unit: MetricUnit) => (v === null ? '—' : `${v.toLocaleString('zh-CN')}${UNIT_SUFFIX[unit]}`);

/** A figure as shown: "<5" when suppressed (a metric counting 1–4 students, seen from outside the school). */
const shown = (f: Figure | undefined, unit: MetricUnit) => (f?.suppressed ? '<5' : formatValue(f?.value ?? null, unit));
const fraction = (f: Figure) => (f.suppressed || f.numerator === null || f.denominator === null ? '' : `${f.numerator.toLocaleString('zh-CN')} / ${f.denominator.toLocaleString('zh-CN')}`);

/** A link to the records behind a school's figure (the drill-down). */
export const recordsPath = (key: string, schoolId: number, year: number) => `/supervision/dashboard/records/${encodeURIComponent(key)}/${schoolId}?year=${year}`;

const dashboardPath = (unitId: number | null, year: number) => `/supervision/dashboard?${unitId ? `unitId=${unitId}&` : ''}year=${year}`;

function Count({ n }: { n: number | null }) {
  const { t } = useTranslation();
  return <>{n === null ? t('supervision.dashboard.small') : n.toLocaleString('zh-CN')}</>;
}

/** The schematic tile map: children in a grid of squares, shaded by the chosen metric. */
function TileMap({ d, metric, onOpen }: { d: Dashboard; metric: Metric; onOpen: (c: Child) => void }) {
  const cols = Math.max(1, Math.min(d.children.length, Math.ceil(Math.sqrt(d.children.length * 1.6))));
  const rows = Math.ceil(d.children.length / cols);
  const data = d.children.map((c, i) => ({ value: [i % cols, rows - 1 - Math.floor(i / cols), c.figures[metric.key]?.value ?? '-'], name: c.name, child: c }));
  const values = d.children.map((c) => c.figures[metric.key]?.value).filter((v): v is number => v !== null && v !== undefined);
  const option: DashboardChartOption = {
    tooltip: { formatter: (p) => { const x = data[(p as unknown as { dataIndex: number }).dataIndex]!; return `${x.name}<br/>${shown(x.child.figures[metric.key], metric.unit)}`; } },
    grid: { left: 4, right: 4, top: 4, bottom: 40 },
    xAxis: { type: 'category', data: Array.from({ length: cols }, (_, i) => String(i)), show: false },
    yAxis: { type: 'category', data: Array.from({ length: rows }, (_, i) => String(i)), show: false },
    visualMap: { min: values.length ? Math.min(...values) : 0, max: values.length ? Math.max(...values, Math.min(...values) + 1) : 1, calculable: false, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 120, inRange: { color: ['#e6f4ff', '#1677ff', '#003eb3'] } },
    series: [{
      type: 'heatmap',
      data,
      itemStyle: { borderColor: '#fff', borderWidth: 3 },
      label: { show: true, formatter: (p) => { const x = data[(p as unknown as { dataIndex: number }).dataIndex]!; return `${x.name.length > 8 ? `${x.name.slice(0, 7)}…` : x.name}\n${shown(x.child.figures[metric.key], metric.unit)}`; }, fontSize: 11 },
    }],
  };
  return <DashboardChart option={option} height={Math.max(220, rows * 70 + 50)} testId="dashboard-map" onClick={(x) => onOpen((x as (typeof data)[number]).child)} />;
}

export default function DashboardPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const thisYear = new Date().getFullYear();
  const year = Number(params.get('year')) || thisYear;
  const unitId = params.get('unitId') ? Number(params.get('unitId')) : undefined;
  const { data: d, error, loading } = useAsync((signal) => api.get<Dashboard>('/supervision/dashboard', { unitId, year }, { signal }), [unitId, year]);
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const metric = d?.metrics.find((m) => m.key === chosen) ?? d?.metrics[0];

  const openChild = (c: Child) => {
    if (c.unitId) void navigate(dashboardPath(c.unitId, year));
  };

  const trendOption = useMemo((): DashboardChartOption | null => metric ? {
    tooltip: { trigger: 'axis' },
    grid: { left: 48, right: 16, top: 16, bottom: 28 },
    xAxis: { type: 'category', data: metric.trend.map((p) => String(p.year)) },
    yAxis: { type: 'value' },
    series: [{ type: 'line', data: metric.trend.map((p) => p.value), label: { show: true }, connectNulls: false }],
  } : null, [metric]);

  const rankOption = (list: Metric['top'], color: string): DashboardChartOption => ({
    tooltip: { trigger: 'item' },
    grid: { left: 150, right: 48, top: 8, bottom: 8 },
    xAxis: { type: 'value', show: false },
    yAxis: { type: 'category', inverse: true, data: list.map((r) => r.name), axisLabel: { width: 140, overflow: 'truncate' } },
    series: [{ type: 'bar', data: list.map((r) => ({ value: r.value, schoolId: r.schoolId })), itemStyle: { color }, label: { show: true, position: 'right' }, barMaxWidth: 18 }],
  });

  if (error) return <ErrorBox error={error} />;
  if (!d || !metric && loading) return <Spin style={{ display: 'block', margin: 48 }} />;

  const metricCell = (c: Child, m: Metric) => {
    const f: Figure | undefined = c.figures[m.key];
    const text = shown(f, m.unit);
    const tip = f ? fraction(f) : '';
    if (c.kind === 'school' && c.unitId) return <Tooltip title={tip}><Link to={recordsPath(m.key, c.unitId, d.year)} data-testid={`cell-${m.key}-${c.unitId}`}>{text}</Link></Tooltip>;
    return <Tooltip title={tip}><span>{text}</span></Tooltip>;
  };

  const columns = [
    { title: t('supervision.dashboard.child'), dataIndex: 'name', key: 'name', fixed: 'left' as const, width: 180, render: (_: unknown, c: Child) => (c.unitId ? <Link to={dashboardPath(c.unitId, d.year)}>{c.name}</Link> : c.name) },
    { title: t('supervision.dashboard.schools'), dataIndex: 'schools', key: 'schools', width: 80, align: 'right' as const },
    { title: t('supervision.dashboard.students'), dataIndex: 'students', key: 'students', width: 100, align: 'right' as const, render: (n: number) => n.toLocaleString('zh-CN') },
    { title: t('supervision.dashboard.alerts'), key: 'alerts', width: 130, render: (_: unknown, c: Child) => <Space size={4}><Tag color="red"><Count n={c.alerts.red} /></Tag><Tag color="orange"><Count n={c.alerts.orange} /></Tag><Tag color="gold"><Count n={c.alerts.yellow} /></Tag></Space> },
    ...d.metrics.map((m) => ({ title: <Tooltip title={m.definition.zh}>{m.label.zh}</Tooltip>, key: m.key, width: 120, align: 'right' as const, render: (_: unknown, c: Child) => metricCell(c, m) })),
  ];

  return (
    <div className="xy-printable xy-dashboard" data-testid="supervision-dashboard">
      <Breadcrumb className="xy-no-print" items={[...d.parents.map((p) => ({ title: <Link to={dashboardPath(p.id, d.year)}>{p.name}</Link> })), { title: d.unit.name }]} />
      <Space style={{ width: '100%', justifyContent: 'space-between', margin: '8px 0' }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>{t('supervision.dashboard.title', { unit: d.unit.name })} · {d.year}</Typography.Title>
        <Space className="xy-no-print" wrap>
          <span>{t('supervision.dashboard.year')}</span>
          <Select value={year} style={{ width: 100 }} onChange={(y) => setParams((p) => { p.set('year', String(y)); return p; })} options={[0, 1, 2, 3, 4].map((i) => ({ value: thisYear - i, label: String(thisYear - i) }))} data-testid="dashboard-year" />
          {d.metrics.length > 0 && <>
            <span>{t('supervision.dashboard.metric')}</span>
            <Select value={metric?.key} style={{ width: 220 }} onChange={setChosen} options={d.metrics.map((m) => ({ value: m.key, label: m.label.zh }))} data-testid="dashboard-metric" />
          </>}
          <Link to={`/supervision/targets?year=${d.year}`} data-testid="dashboard-targets"><Button icon={<AimOutlined />}>{t('supervision.dashboard.targets')}</Button></Link>
          <Button icon={<DownloadOutlined />} href={apiUrl('/supervision/dashboard/export', { unitId: d.unit.id, year: d.year })} data-testid="dashboard-export">{t('supervision.dashboard.export')}</Button>
          <Button icon={<PrinterOutlined />} onClick={() => window.print()}>{t('supervision.dashboard.print')}</Button>
        </Space>
      </Space>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {d.computedAt ? t('supervision.dashboard.computedAt', { at: new Date(d.computedAt).toLocaleString('zh-CN', { hour12: false }) }) : t('supervision.dashboard.computedLive')}
        {d.suppressed ? ` ${t('supervision.dashboard.suppressedNote')}` : ''}
      </Typography.Paragraph>

      <Row gutter={[12, 12]}>
        <Col xs={12} md={6}><Card size="small"><Statistic title={t('supervision.dashboard.schools')} value={d.schools} /></Card></Col>
        <Col xs={12} md={6}><Card size="small"><Statistic title={t('supervision.dashboard.students')} value={d.students} /></Card></Col>
        <Col xs={24} md={12}>
          <Card size="small" title={t('supervision.dashboard.alerts')} data-testid="dashboard-alerts">
            <Space size="large">
              {(['red', 'orange', 'yellow'] as const).map((l) => <Statistic key={l} title={t(`supervision.dashboard.alertLevel.${l}`)} valueRender={() => <Count n={d.alerts[l]} />} />)}
            </Space>
          </Card>
        </Col>
        <Col xs={24}>
          <Card size="small" title={t('supervision.dashboard.screening')}>
            {d.screening.length === 0 ? <Typography.Text type="secondary">{t('supervision.dashboard.noScreening')}</Typography.Text> : (
              <Row gutter={12}>
                {d.screening.map((s) => (
                  <Col key={s.campaignId} xs={24} md={12}>
                    <Statistic title={`${s.title}（${s.windowStart} – ${s.windowEnd}）`} value={s.rate ?? 0} suffix="%" />
                    <Typography.Text type="secondary">{t('supervision.dashboard.screeningDetail', { completed: s.completed.toLocaleString('zh-CN'), students: s.students.toLocaleString('zh-CN'), started: s.started.toLocaleString('zh-CN') })}</Typography.Text>
                  </Col>
                ))}
              </Row>
            )}
          </Card>
        </Col>
      </Row>

      <Typography.Title level={4} style={{ marginTop: 16 }}>{t('supervision.dashboard.metrics')}</Typography.Title>
      {d.metrics.length === 0 ? <Empty description={t('supervision.dashboard.noMetrics')} /> : (
        <Row gutter={[12, 12]} data-testid="dashboard-kpis">
          {d.metrics.map((m) => (
            <Col key={m.key} xs={12} md={8} lg={6}>
              <Card size="small" hoverable className={m.key === metric?.key ? 'xy-kpi xy-kpi-chosen' : 'xy-kpi'} onClick={() => setChosen(m.key)} data-testid={`kpi-${m.key}`}>
                <Tooltip title={`${t('supervision.dashboard.definition')}：${m.definition.zh}`}><Typography.Text type="secondary" ellipsis style={{ display: 'block' }}>{m.label.zh}</Typography.Text></Tooltip>
                <div className="xy-kpi-value">{shown(m.figure, m.unit)}</div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {m.unit === 'count' ? '' : fraction(m.figure)}
                  {d.unit.kind === 'school' && <>{m.unit === 'count' || !fraction(m.figure) ? '' : ' · '}<Link to={recordsPath(m.key, d.unit.id, d.year)} onClick={(e) => e.stopPropagation()}>{t('supervision.dashboard.records')}</Link></>}
                </Typography.Text>
              </Card>
            </Col>
          ))}
        </Row>
      )}

      {metric && (
        <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
          {d.children.length > 0 && (
            <Col xs={24} lg={12}>
              <Card size="small" title={t(d.unit.kind === 'city' ? 'supervision.dashboard.map' : 'supervision.dashboard.mapSchools', { metric: metric.label.zh })}>
                <TileMap d={d} metric={metric} onOpen={openChild} />
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t(d.unit.kind === 'city' ? 'supervision.dashboard.mapNote' : 'supervision.dashboard.mapNoteSchools')}</Typography.Text>
              </Card>
            </Col>
          )}
          <Col xs={24} lg={d.children.length > 0 ? 12 : 24}>
            <Card size="small" title={t('supervision.dashboard.trend', { metric: metric.label.zh })}>
              {trendOption && <DashboardChart option={trendOption} height={240} testId="dashboard-trend" />}
            </Card>
          </Col>
          {d.unit.kind !== 'school' && (['top', 'bottom'] as const).map((which) => (
            <Col key={which} xs={24} lg={12}>
              <Card size="small" title={t(`supervision.dashboard.${which}`, { metric: metric.label.zh })}>
                {metric[which].length === 0 ? <Empty description={t('supervision.dashboard.noValue')} /> : (
                  <DashboardChart option={rankOption(metric[which], which === 'top' ? '#52c41a' : '#fa8c16')} height={Math.max(120, metric[which].length * 34)} testId={`dashboard-${which}`}
                    onClick={(x) => navigate(recordsPath(metric.key, (x as { schoolId: number }).schoolId, d.year))} />
                )}
              </Card>
            </Col>
          ))}
        </Row>
      )}

      {d.children.length > 0 && (
        <Card size="small" title={t('supervision.dashboard.children')} style={{ marginTop: 12 }}>
          <Table<Child> rowKey={(c) => `${c.kind}-${c.unitId ?? 0}`} size="small" columns={columns} dataSource={d.children} pagination={d.children.length > 50 ? { pageSize: 50 } : false} scroll={{ x: 'max-content' }} data-testid="dashboard-children" />
        </Card>
      )}
      {loading && <Alert type="info" showIcon message="…" style={{ marginTop: 8 }} className="xy-no-print" />}
    </div>
  );
}
