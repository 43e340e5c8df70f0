import { Alert, App, Button, Select, Space, Table, Tooltip, Typography } from 'antd';
import { FileTextOutlined, RedoOutlined } from '@ant-design/icons';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import dayjs from 'dayjs';
import { api, errorMessage } from '../../../api/client';
import type { Campaign, Paged, ResultRow } from '../../../api/types';
import { useCan } from '../../../app/session';
import { useAsync } from '../../../app/useAsync';
import { useQueryState } from '../../../app/useQueryState';
import { ErrorBox } from '../../../components/ErrorBox';
import { OrgUnitSelect } from '../../../components/OrgUnitSelect';
import { CriticalCell, LEVELS, LevelTag, ScalesCell, useFlagLabel, ValidityCell } from './shared';

/** URL keys of this tab (prefixed: the campaign page's other tabs keep their own). */
export const RESULT_KEYS = ['rUnit', 'rLevel', 'rValid', 'rPage', 'rSize'] as const;

/** 测评结果: every submitted response under a unit, with scores, bands, validity and the level after re-check. */
export default function ResultsTab({ campaign }: { campaign: Campaign }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const can = useCan();
  const flagLabel = useFlagLabel();
  const [f, setF] = useQueryState(RESULT_KEYS);
  const page = Number(f.rPage ?? 1);
  const pageSize = Number(f.rSize ?? 50);
  const unitId = f.rUnit ? Number(f.rUnit) : undefined;
  const { data, error, loading, reload } = useAsync(
    (signal) =>
      api.get<Paged<ResultRow>>(`/screening/campaigns/${campaign.id}/results`, { unitId, level: f.rLevel, valid: f.rValid, page, pageSize }, { signal }),
    [campaign.id, unitId, f.rLevel, f.rValid, page, pageSize],
  );
  const canRetest = can('screening.recheck');
  const open = campaign.status === 'published';

  function retest(r: ResultRow) {
    modal.confirm({
      title: t('results.results.retestTitle', { name: r.name, instrument: r.instrument.title }),
      content: t('results.results.retestBody', { flags: r.flags.map(flagLabel).join('、') || t('results.invalid') }),
      okText: t('results.results.retest'),
      okButtonProps: { danger: true, 'data-testid': 'retest-ok' },
      onOk: () =>
        api
          .post(`/screening/responses/${r.responseId}/retest`)
          .then(() => {
            void message.success(t('results.results.retestDone'));
            reload();
          })
          .catch((e: unknown) => {
            void message.error(errorMessage(e));
          }),
    });
  }

  const columns: ColumnsType<ResultRow> = [
    {
      title: t('results.student'),
      key: 'student',
      width: 110,
      fixed: 'left',
      render: (_v, r) => (
        <Space orientation="vertical" size={0}>
          <Link to={`/screening/responses/${r.responseId}`} data-testid={`result-link-${r.responseId}`}>
            <FileTextOutlined /> {r.name}
          </Link>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {r.studentNo}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('results.className'), dataIndex: 'className', width: 60 },
    {
      title: t('results.instrument'),
      key: 'instrument',
      width: 140,
      render: (_v, r) => (
        <Space orientation="vertical" size={0}>
          <span>{r.instrument.title}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {dayjs(r.submittedAt).format('MM-DD HH:mm')}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('results.warningLevel'), dataIndex: 'warningLevel', width: 70, render: (_v, r) => <LevelTag level={r.warningLevel} testId={`result-level-${r.responseId}`} /> },
    { title: t('results.scales'), key: 'scales', width: 270, render: (_v, r) => <ScalesCell scales={r.scales} /> },
    { title: t('results.validity'), key: 'validity', width: 130, render: (_v, r) => <ValidityCell row={r} testId={`result-validity-${r.responseId}`} /> },
    { title: t('results.critical'), key: 'critical', width: 140, render: (_v, r) => <CriticalCell items={r.critical} /> },
    {
      title: t('results.finalLevel'),
      key: 'final',
      width: 90,
      render: (_v, r) =>
        r.finalLevel ? (
          <LevelTag level={r.finalLevel} testId={`result-final-${r.responseId}`} />
        ) : r.warningLevel !== 'none' || r.critical.length > 0 ? (
          <Typography.Text type="secondary">{t('results.pendingRecheck')}</Typography.Text>
        ) : (
          '—'
        ),
    },
    ...(canRetest
      ? ([
          {
            title: t('results.actions'),
            key: 'actions',
            width: 110,
            fixed: 'right',
            render: (_v, r) =>
              r.valid ? null : (
                <Tooltip title={open ? undefined : t('results.results.retestClosed')}>
                  <Button size="small" danger icon={<RedoOutlined />} disabled={!open} onClick={() => retest(r)} data-testid={`retest-${r.responseId}`}>
                    {t('results.results.retest')}
                  </Button>
                </Tooltip>
              ),
          },
        ] as ColumnsType<ResultRow>)
      : []),
  ];

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="results-tab">
      <Alert type="info" showIcon title={t('results.results.hint')} />
      <Space wrap>
        <OrgUnitSelect value={unitId} onChange={(v) => setF({ rUnit: v, rPage: null })} placeholder={t('results.unitPlaceholder')} testId="results-unit" />
        <Select
          allowClear
          placeholder={t('results.levelFilter')}
          value={f.rLevel}
          onChange={(v?: string) => setF({ rLevel: v, rPage: null })}
          options={LEVELS.map((l) => ({ value: l, label: t(`results.levelFull.${l}`) }))}
          style={{ width: 150 }}
          data-testid="results-level"
        />
        <Select
          allowClear
          placeholder={t('results.validityFilter')}
          value={f.rValid}
          onChange={(v?: string) => setF({ rValid: v, rPage: null })}
          options={[
            { value: 'true', label: t('results.valid') },
            { value: 'false', label: t('results.invalid') },
          ]}
          style={{ width: 130 }}
          data-testid="results-validity"
        />
        <Button onClick={() => setF({ rUnit: null, rLevel: null, rValid: null, rPage: null })}>{t('common.reset')}</Button>
      </Space>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Table<ResultRow>
        rowKey="responseId"
        size="small"
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        scroll={{ x: canRetest ? 1120 : 1010 }}
        locale={{ emptyText: t('results.results.empty') }}
        data-testid="results-table"
        onRow={(r) => ({ 'data-testid': `result-row-${r.responseId}` }) as React.HTMLAttributes<HTMLElement>}
        pagination={{
          current: page,
          pageSize,
          total: data?.total ?? 0,
          showSizeChanger: true,
          pageSizeOptions: [20, 50, 100, 200],
          showTotal: (total) => t('common.total', { total }),
          onChange: (p, ps) => setF({ rPage: p === 1 ? null : p, rSize: ps === 50 ? null : ps }),
        }}
      />
    </Space>
  );
}
