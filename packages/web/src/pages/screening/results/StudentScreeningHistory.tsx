import { Card, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import dayjs from 'dayjs';
import { api } from '../../../api/client';
import type { ResultRow } from '../../../api/types';
import { useAsync } from '../../../app/useAsync';
import { ErrorBox } from '../../../components/ErrorBox';
import { CriticalCell, LevelTag, ScalesCell, ValidityCell } from './shared';

type HistoryRow = ResultRow & { campaignTitle: string };

/** 测评记录 on the student profile: every submitted response across campaigns (it follows the student). */
export default function StudentScreeningHistory({ studentId }: { studentId: string }) {
  const { t } = useTranslation();
  const { data, error, loading, reload } = useAsync((signal) => api.get<{ items: HistoryRow[] }>(`/students/${studentId}/screening`, undefined, { signal }), [studentId]);

  const columns: ColumnsType<HistoryRow> = [
    {
      title: t('results.campaign'),
      key: 'campaign',
      width: 200,
      render: (_v, r) => (
        <div>
          <div>{r.campaignTitle}</div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {dayjs(r.submittedAt).format('YYYY-MM-DD')}
          </Typography.Text>
        </div>
      ),
    },
    { title: t('results.instrument'), key: 'instrument', width: 170, render: (_v, r) => r.instrument.title },
    { title: t('results.warningLevel'), key: 'level', width: 80, render: (_v, r) => <LevelTag level={r.warningLevel} testId={`history-level-${r.responseId}`} /> },
    { title: t('results.finalLevel'), key: 'final', width: 100, render: (_v, r) => (r.finalLevel ? <LevelTag level={r.finalLevel} /> : '—') },
    { title: t('results.scales'), key: 'scales', width: 280, render: (_v, r) => <ScalesCell scales={r.scales} /> },
    { title: t('results.validity'), key: 'validity', width: 140, render: (_v, r) => <ValidityCell row={r} /> },
    { title: t('results.critical'), key: 'critical', width: 160, render: (_v, r) => <CriticalCell items={r.critical} /> },
    {
      title: '',
      key: 'report',
      width: 90,
      fixed: 'right',
      render: (_v, r) => (
        <Link to={`/screening/responses/${r.responseId}`} data-testid={`history-report-${r.responseId}`}>
          {t('results.viewReport')}
        </Link>
      ),
    },
  ];

  return (
    <Card
      size="small"
      title={t('results.history.title')}
      extra={<Typography.Text type="secondary">{t('results.disclaimerShort')}</Typography.Text>}
      data-testid="student-screening"
    >
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('results.history.hint')}
      </Typography.Paragraph>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Table<HistoryRow>
        rowKey="responseId"
        size="small"
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        pagination={(data?.items.length ?? 0) > 20 ? { pageSize: 20 } : false}
        scroll={{ x: 1100 }}
        locale={{ emptyText: t('results.history.empty') }}
      />
    </Card>
  );
}
