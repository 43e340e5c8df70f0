import { useState } from 'react';
import { Button, Card, Table } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../../api/client';
import type { Alert, Paged, RaiseAlertResult, StudentSummary } from '../../api/types';
import { useCan } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { ErrorBox } from '../../components/ErrorBox';
import { RaiseAlertModal } from './RaiseAlertModal';
import { AlertLevelTag, fmt, SourceTags, StatusTag } from './shared';

/** 预警记录 on the student profile: the student's warnings (alert.read), and 上报情况 about them (alert.raise). */
export default function StudentAlerts({ student }: { student: StudentSummary }) {
  const { t } = useTranslation();
  const can = useCan();
  const navigate = useNavigate();
  const [raising, setRaising] = useState(false);
  const read = can('alert.read');
  const { data, error, loading, reload } = useAsync(
    (signal) => (read ? api.get<Paged<Alert>>('/alerts', { studentId: student.id, pageSize: 20 }, { signal }) : Promise.resolve(null)),
    [student.id, read],
  );
  if (!read && !can('alert.raise')) return null;

  function raised(r: RaiseAlertResult) {
    setRaising(false);
    if (r.alertId && read) void navigate(`/alerts/${r.alertId}`);
    else reload();
  }

  return (
    <Card
      size="small"
      title={t('warning.studentCard')}
      data-testid="student-alerts"
      extra={
        can('alert.raise') &&
        student.status === 'active' && (
          <Button size="small" icon={<PlusOutlined />} onClick={() => setRaising(true)} data-testid="student-alert-raise">
            {t('warning.raise.button')}
          </Button>
        )
      }
    >
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      {read && (
        <Table<Alert>
          rowKey="id"
          size="small"
          loading={loading}
          pagination={false}
          dataSource={data?.items ?? []}
          locale={{ emptyText: t('warning.empty') }}
          scroll={{ x: 640 }}
          columns={[
            { title: t('warning.col.createdAt'), dataIndex: 'createdAt', width: 140, render: (v: string, a) => <Link to={`/alerts/${a.id}`}>{fmt(v)}</Link> },
            { title: t('warning.col.level'), dataIndex: 'level', width: 70, render: (_v, a) => <AlertLevelTag level={a.level} /> },
            { title: t('warning.col.sources'), dataIndex: 'sources', render: (_v, a) => <SourceTags sources={a.sources.length ? a.sources : [a.source]} count={a.signalCount} /> },
            { title: t('warning.col.status'), dataIndex: 'status', width: 90, render: (_v, a) => <StatusTag status={a.status} /> },
            { title: t('warning.col.outcome'), dataIndex: 'outcome', width: 180, render: (v: Alert['outcome']) => (v ? t(`warning.outcome.${v}`) : '—') },
          ]}
        />
      )}
      {raising && <RaiseAlertModal student={student} onClose={() => setRaising(false)} onRaised={raised} />}
    </Card>
  );
}
