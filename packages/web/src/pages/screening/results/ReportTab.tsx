import { useMemo, useState } from 'react';
import { Alert, Button, Card, Col, Drawer, Empty, Row, Segmented, Space, Statistic, Table, Tooltip, Typography } from 'antd';
import { FileExcelOutlined, PrinterOutlined, UnorderedListOutlined } from '@ant-design/icons';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import dayjs from 'dayjs';
import { api, apiUrl } from '../../../api/client';
import type { Campaign, Paged, Report, ReportBreakdown, ResultRow, WarningLevel } from '../../../api/types';
import { useCan } from '../../../app/session';
import { useAsync } from '../../../app/useAsync';
import { useQueryState } from '../../../app/useQueryState';
import { ErrorBox } from '../../../components/ErrorBox';
import { Loading } from '../../../components/Loading';
import { OrgUnitSelect } from '../../../components/OrgUnitSelect';
import { EChart, type ChartOption } from './EChart';
import { Count, LEVEL_CHART, LEVELS, LevelTag, useFlagLabel } from './shared';
import './print.css';

type Levels = Report['levels'];
const WARN: readonly WarningLevel[] = ['red', 'orange', 'yellow'];

/** The sum of the level counts, or null when a cell is suppressed (a share would reveal it). */
function sumOf(levels: Levels): number | null {
  let n = 0;
  for (const l of LEVELS) {
    const v = levels[l];
    if (v === null) return null;
    n += v;
  }
  return n;
}

function pct(part: number | null, whole: number | null): string {
  if (part === null || whole === null || whole === 0) return '—';
  return `${((part / whole) * 100).toFixed(1)}%`;
}

/** Yellow and above as a share of the row's students; null when any cell is hidden. */
function warnShare(levels: Levels): number | null {
  const total = sumOf(levels);
  if (total === null || total === 0) return null;
  return WARN.reduce((s, l) => s + (levels[l] ?? 0), 0) / total;
}

function BreakdownTable({ title, rows, testId }: { title: string; rows: ReportBreakdown[]; testId: string }) {
  const { t } = useTranslation();
  const columns: ColumnsType<ReportBreakdown> = [
    { title: t('results.report.group'), dataIndex: 'label', ellipsis: true },
    { title: t('results.report.total'), key: 'total', width: 70, align: 'right', render: (_v, r) => <Count value={r.total} /> },
    ...LEVELS.map((l) => ({
      title: t(`results.level.${l}`),
      key: l,
      width: 62,
      align: 'right' as const,
      render: (_v: unknown, r: ReportBreakdown) => <Count value={r.levels[l]} testId={`${testId}-${r.key}-${l}`} />,
    })),
    {
      title: (
        <Tooltip title={t('results.report.warnRateTip')}>
          <span style={{ cursor: 'help' }}>{t('results.report.warnRate')}</span>
        </Tooltip>
      ),
      key: 'rate',
      width: 80,
      align: 'right',
      render: (_v, r) => {
        const s = warnShare(r.levels);
        return s === null ? '—' : `${(s * 100).toFixed(1)}%`;
      },
    },
  ];
  return (
    <Card size="small" title={title} data-testid={testId}>
      <Table<ReportBreakdown> rowKey="key" size="small" pagination={false} columns={columns} dataSource={rows} locale={{ emptyText: t('results.report.noData') }} />
    </Card>
  );
}

/** 重测名单: the invalid responses under the unit (callers who may see results). */
function RetestList({ campaignId, unitId, onClose }: { campaignId: string; unitId: number; onClose: () => void }) {
  const { t } = useTranslation();
  const flagLabel = useFlagLabel();
  const { data, error, loading, reload } = useAsync(
    (signal) => api.get<Paged<ResultRow>>(`/screening/campaigns/${campaignId}/results`, { unitId, valid: 'false', pageSize: 200 }, { signal }),
    [campaignId, unitId],
  );
  return (
    <Drawer open size={720} title={t('results.report.retestList')} onClose={onClose} data-testid="report-retest-list">
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Table<ResultRow>
        rowKey="responseId"
        size="small"
        loading={loading}
        dataSource={data?.items ?? []}
        pagination={false}
        columns={[
          { title: t('results.student'), dataIndex: 'name', render: (v: string, r) => <Link to={`/screening/responses/${r.responseId}`}>{v}</Link> },
          { title: t('results.studentNo'), dataIndex: 'studentNo' },
          { title: t('results.className'), dataIndex: 'className' },
          { title: t('results.instrument'), key: 'i', render: (_v, r) => r.instrument.title },
          { title: t('results.validity'), key: 'f', render: (_v, r) => r.flags.map(flagLabel).join('、') },
        ]}
      />
      {data && data.total > data.items.length && <Typography.Text type="secondary">{t('common.total', { total: data.total })}</Typography.Text>}
    </Drawer>
  );
}

/**
 * 测评报告: participation, the level distribution and breakdowns of a unit, with the change since
 * the previous campaign. Outside a school, counts under 5 come back as null and show as "<5".
 */
export default function ReportTab({ campaign }: { campaign: Campaign }) {
  const { t } = useTranslation();
  const can = useCan();
  const [f, setF] = useQueryState(['pUnit', 'pBy'] as const);
  const unitId = f.pUnit ? Number(f.pUnit) : undefined;
  const { data: report, error, loading, reload } = useAsync(
    (signal) => api.get<Report>(`/screening/campaigns/${campaign.id}/report`, { unitId }, { signal }),
    [campaign.id, unitId],
  );
  const [retestOpen, setRetestOpen] = useState(false);

  const levelName = useMemo(() => Object.fromEntries(LEVELS.map((l) => [l, t(`results.levelFull.${l}`)])) as Record<WarningLevel, string>, [t]);

  const pie = useMemo<ChartOption | null>(() => {
    if (!report) return null;
    const data = LEVELS.flatMap((l) => {
      const value = report.levels[l];
      return value ? [{ name: levelName[l], value, itemStyle: { color: LEVEL_CHART[l] } }] : [];
    });
    if (!data.length) return null;
    return {
      tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
      legend: { bottom: 0 },
      series: [{ type: 'pie', radius: ['45%', '70%'], center: ['50%', '45%'], label: { formatter: '{b}\n{c}' }, data, animation: false }],
    };
  }, [report, levelName]);

  const byOptions = report
    ? ([
        { key: 'unit', label: t('results.report.byUnit'), rows: report.byUnit },
        { key: 'grade', label: t('results.report.byGrade'), rows: report.byGrade },
      ] as const).filter((o) => o.rows.length > 0)
    : [];
  const by = byOptions.find((o) => o.key === f.pBy) ?? byOptions.find((o) => o.rows.length > 1) ?? byOptions[0];

  const bar = useMemo<ChartOption | null>(() => {
    if (!by) return null;
    const many = by.rows.length > 6;
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { bottom: 0 },
      grid: { left: 8, right: 16, top: 16, bottom: many ? 80 : 40, containLabel: true },
      xAxis: { type: 'category', data: by.rows.map((r) => r.label), axisLabel: { interval: 0, rotate: many ? 30 : 0 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: LEVELS.map((l) => ({
        name: levelName[l],
        type: 'bar' as const,
        stack: 'levels',
        itemStyle: { color: LEVEL_CHART[l] },
        emphasis: { focus: 'series' as const },
        barMaxWidth: 56,
        animation: false,
        data: by.rows.map((r) => r.levels[l]),
      })),
    };
  }, [by, levelName]);

  if (loading && !report) return <Loading />;
  if (error !== undefined || !report) return <ErrorBox error={error} onRetry={reload} />;

  const p = report.participation;
  const total = sumOf(report.levels);
  const prev = report.previous;
  const prevTotal = prev ? sumOf(prev.levels) : null;

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} className="xy-printable" data-testid="report-tab">
      <Space wrap className="xy-no-print" style={{ justifyContent: 'space-between', width: '100%' }}>
        <OrgUnitSelect value={unitId} onChange={(v) => setF({ pUnit: v })} placeholder={t('results.report.unitPlaceholder')} testId="report-unit" />
        <Space wrap>
          <Button icon={<PrinterOutlined />} onClick={() => window.print()} data-testid="report-print">
            {t('results.print')}
          </Button>
          <Tooltip title={t('results.report.exportHint')}>
            <Button icon={<FileExcelOutlined />} href={apiUrl(`/screening/campaigns/${campaign.id}/report.xlsx`, { unitId: report.unit.id })} data-testid="report-export">
              {t('results.exportExcel')}
            </Button>
          </Tooltip>
        </Space>
      </Space>

      <div>
        <Typography.Title level={4} style={{ margin: 0 }} data-testid="report-title">
          {report.campaign.title} · {t('results.tabs.report')}
        </Typography.Title>
        <Typography.Text type="secondary">
          {t(`results.report.kind.${report.unit.kind as 'city'}`, { defaultValue: report.unit.kind })}：<span data-testid="report-unit-name">{report.unit.name}</span>
          {' · '}
          {t('results.report.window')}：{report.campaign.window.start} ~ {report.campaign.window.end}
          {' · '}
          {t('results.disclaimerShort')}
        </Typography.Text>
        <div className="xy-print-only" style={{ fontSize: 12, color: '#888' }}>
          {dayjs().format('YYYY-MM-DD HH:mm')}
        </div>
      </div>

      {report.suppressed && <Alert type="info" showIcon title={t('results.suppressedNote')} data-testid="report-suppressed" />}

      <Card size="small" title={t('results.report.participation')} data-testid="report-participation">
        <Row gutter={[16, 16]}>
          <Col xs={12} md={6}>
            <Statistic title={t('results.report.students')} value={p.students} styles={{ content: { fontSize: 22 } }} data-testid="report-students" />
          </Col>
          <Col xs={12} md={6}>
            <Statistic title={t('results.report.completed')} value={p.completed} styles={{ content: { fontSize: 22 } }} data-testid="report-completed" />
          </Col>
          <Col xs={12} md={6}>
            <Statistic title={t('results.report.completionRate')} value={pct(p.completed, p.students)} styles={{ content: { fontSize: 22 } }} />
          </Col>
          <Col xs={12} md={6}>
            <Statistic
              title={
                <Tooltip title={t('results.report.invalidHint')}>
                  <span style={{ cursor: 'help' }}>{t('results.report.invalid')}</span>
                </Tooltip>
              }
              value={p.invalid}
              styles={{ content: { fontSize: 22, color: p.invalid ? '#cf1322' : undefined } }}
              data-testid="report-invalid"
            />
            {can('screening.results') && (
              <Button size="small" type="link" icon={<UnorderedListOutlined />} onClick={() => setRetestOpen(true)} className="xy-no-print" style={{ paddingInline: 0 }} data-testid="report-retest-open">
                {t('results.report.retestList')}
              </Button>
            )}
          </Col>
        </Row>
      </Card>

      <Row gutter={[16, 16]}>
        <Col xs={24} lg={10}>
          <Card size="small" title={t('results.report.distribution')} style={{ height: '100%' }}>
            <Table<{ level: WarningLevel }>
              rowKey="level"
              size="small"
              pagination={false}
              data-testid="report-levels"
              dataSource={LEVELS.map((level) => ({ level }))}
              columns={[
                { title: t('results.warningLevel'), key: 'l', render: (_v, r) => <LevelTag level={r.level} full /> },
                { title: t('results.report.total'), key: 'n', align: 'right', render: (_v, r) => <Count value={report.levels[r.level]} testId={`report-level-${r.level}`} /> },
                { title: '%', key: 'p', align: 'right', render: (_v, r) => pct(report.levels[r.level], total) },
              ]}
            />
            <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 8, marginBottom: 0 }}>
              {t('results.report.distributionHint')}
            </Typography.Paragraph>
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          <Card size="small" title={t('results.report.byLevelChart')} style={{ height: '100%' }}>
            {pie ? <EChart option={pie} height={300} testId="report-pie" /> : <Empty description={t('results.report.noData')} />}
          </Card>
        </Col>
      </Row>

      <Card
        size="small"
        title={t('results.report.stackedTitle')}
        extra={
          byOptions.length > 1 && by ? (
            <Segmented className="xy-no-print" size="small" value={by.key} onChange={(v) => setF({ pBy: v })} options={byOptions.map((o) => ({ value: o.key, label: o.label }))} data-testid="report-by" />
          ) : undefined
        }
      >
        {bar ? <EChart option={bar} height={340} testId="report-bar" /> : <Empty description={t('results.report.noData')} />}
      </Card>

      <Row gutter={[16, 16]}>
        {(
          [
            ['byUnit', report.byUnit],
            ['byGrade', report.byGrade],
            ['byGender', report.byGender],
            ['bySchoolKind', report.bySchoolKind],
            ['byBoarding', report.byBoarding],
            ['byLeftBehind', report.byLeftBehind],
          ] as const
        ).map(([key, rows]) => (
          <Col xs={24} xl={12} key={key}>
            <BreakdownTable title={t(`results.report.${key}`)} rows={rows} testId={`report-${key}`} />
          </Col>
        ))}
      </Row>

      <Card size="small" title={t('results.report.previous')} data-testid="report-previous">
        {prev ? (
          <Table<{ key: string; label: React.ReactNode; now: number | null; nowShare: string; then: number | null; thenShare: string; change: string }>
            rowKey="key"
            size="small"
            pagination={false}
            columns={[
              { title: '', dataIndex: 'label' },
              { title: `${t('results.report.thisCampaign')}（${report.campaign.title}）`, key: 'now', align: 'right', render: (_v, r) => <>{<Count value={r.now} />} {r.nowShare && <Typography.Text type="secondary">{r.nowShare}</Typography.Text>}</> },
              { title: prev.title, key: 'then', align: 'right', render: (_v, r) => <>{<Count value={r.then} />} {r.thenShare && <Typography.Text type="secondary">{r.thenShare}</Typography.Text>}</> },
              { title: t('results.report.change'), dataIndex: 'change', align: 'right' },
            ]}
            dataSource={[
              {
                key: 'completed',
                label: t('results.report.completed'),
                now: p.completed,
                nowShare: '',
                then: prev.completed,
                thenShare: '',
                change: `${p.completed - prev.completed >= 0 ? '+' : ''}${p.completed - prev.completed}`,
              },
              ...LEVELS.map((l) => {
                const a = report.levels[l];
                const b = prev.levels[l];
                const sa = a !== null && total ? a / total : null;
                const sb = b !== null && prevTotal ? b / prevTotal : null;
                const d = sa !== null && sb !== null ? (sa - sb) * 100 : null;
                return {
                  key: l,
                  label: <LevelTag level={l} full />,
                  now: a,
                  nowShare: pct(a, total),
                  then: b,
                  thenShare: pct(b, prevTotal),
                  change: d === null ? '—' : t('results.report.pp', { v: `${d >= 0 ? '+' : ''}${d.toFixed(1)}` }),
                };
              }),
            ]}
          />
        ) : (
          <Typography.Text type="secondary">{t('results.report.previousNone')}</Typography.Text>
        )}
      </Card>
      {retestOpen && <RetestList campaignId={campaign.id} unitId={report.unit.id} onClose={() => setRetestOpen(false)} />}
    </Space>
  );
}
