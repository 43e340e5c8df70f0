import { Alert, Card, Empty, Space, Tag, Typography } from 'antd';
import { CalendarOutlined, CheckCircleFilled, RightOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import type { Items, MyTask } from '../../api/types';
import { useAsync } from '../../app/useAsync';
import { ErrorBox } from '../../components/ErrorBox';
import { Loading } from '../../components/Loading';
import './screening/screening.css';

type Instrument = MyTask['instruments'][number];

function InstrumentRow({ task, ins }: { task: MyTask; ins: Instrument }) {
  const { t } = useTranslation();
  const blocked = task.consent === 'waiting' || task.consent === 'refused';
  const testId = `task-${task.campaignId}-${ins.key}`;
  const sub =
    ins.status === 'in_progress' ? t('answering.answered', { n: Math.min(ins.answered, ins.itemCount), m: ins.itemCount }) : t('answering.items', { count: ins.itemCount });
  const state =
    ins.status === 'submitted' ? (
      <span className="xy-task-state" style={{ color: '#389e0d' }}>
        <CheckCircleFilled /> {t('answering.status.submitted')}
      </span>
    ) : (
      <span className="xy-task-state" style={{ color: blocked ? undefined : '#1677ff' }}>
        <Tag color={ins.status === 'in_progress' ? 'processing' : 'default'} style={{ marginInlineEnd: 0, fontSize: 14 }}>
          {t(`answering.status.${ins.status}`)}
        </Tag>
        {!blocked && <RightOutlined />}
      </span>
    );
  const body = (
    <>
      <span className="xy-task-name">
        {ins.title}
        <span className="xy-task-sub">{sub}</span>
      </span>
      {state}
    </>
  );
  if (blocked || ins.status === 'submitted') {
    return (
      <div className="xy-task-row" aria-disabled="true" data-testid={testId} data-status={ins.status}>
        {body}
      </div>
    );
  }
  return (
    <Link className="xy-task-row" to={`/m/screening/${task.campaignId}/${encodeURIComponent(ins.key)}`} data-testid={testId} data-status={ins.status}>
      {body}
    </Link>
  );
}

function TaskCard({ task }: { task: MyTask }) {
  const { t } = useTranslation();
  const done = task.instruments.every((i) => i.status === 'submitted');
  return (
    <Card size="small" data-testid={`task-card-${task.campaignId}`} data-consent={task.consent} title={<span style={{ whiteSpace: 'normal', fontSize: 16 }}>{task.title}</span>}>
      <Space orientation="vertical" size={10} style={{ width: '100%' }}>
        <div className="xy-ans-note">
          <CalendarOutlined /> {t('answering.windowLine', { start: task.window.start, end: task.window.end })}
        </div>
        <div>
          <div style={{ fontWeight: 500, fontSize: 14 }}>{t('answering.purpose')}</div>
          <Typography.Paragraph className="xy-purpose" ellipsis={{ rows: 3, expandable: 'collapsible' }} style={{ marginBottom: 0 }}>
            {task.purpose}
          </Typography.Paragraph>
        </div>
        {task.consent === 'waiting' && <Alert type="warning" showIcon title={t('answering.consent.waiting')} data-testid="task-consent-waiting" />}
        {task.consent === 'granted' && (
          <div className="xy-ans-note" data-testid="task-consent-granted">
            <CheckCircleFilled style={{ color: '#52c41a' }} /> {t('answering.consent.granted')}
          </div>
        )}
        {task.consent === 'refused' && <Alert type="info" showIcon title={t('answering.consent.refused')} data-testid="task-consent-refused" />}
        {task.instruments.map((ins) => (
          <InstrumentRow key={ins.key} task={task} ins={ins} />
        ))}
        {done && <Alert type="success" showIcon title={t('answering.allDone')} />}
      </Space>
    </Card>
  );
}

export default function ScreeningTasksPage() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en-US' ? 'en-US' : 'zh-CN';
  const { data, error, reload } = useAsync((signal) => api.get<Items<MyTask>>('/my/screenings', { locale }, { signal }), [locale]);
  return (
    <div className="xy-ans" data-testid="screening-tasks">
      <Typography.Title level={5} style={{ marginTop: 0 }}>
        {t('answering.title')}
      </Typography.Title>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      {!data && error === undefined && <Loading />}
      {data?.items.length === 0 && <Empty description={t('answering.tasksEmpty')} />}
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        {data?.items.map((task) => <TaskCard key={task.campaignId} task={task} />)}
      </Space>
    </div>
  );
}
