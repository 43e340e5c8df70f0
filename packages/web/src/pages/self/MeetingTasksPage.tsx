import { Button, Card, Empty, Popconfirm, Space, Tag, Typography } from 'antd';
import { CarryOutOutlined, CheckCircleFilled, CheckOutlined, LeftOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { MyMeetingTask } from '../../api/boardTypes';
import { useAsync } from '../../app/useAsync';
import { ErrorBox } from '../../components/ErrorBox';
import { Loading } from '../../components/Loading';
import { loadMyMeetingTasks as load, useMarkTaskDone } from '../care/meetingTasks';
import { fmt } from '../warning/shared';
import { HomeLink } from './WarningHomeCards';

/** 例会交办的任务 on a care teacher's phone home page: how many are open, and how many overdue. Nothing when there are none at all. */
export function MeetingTasksHomeCard() {
  const { t } = useTranslation();
  const { data } = useAsync(load, []);
  if (!data?.items.length) return null;
  const open = data.items.filter((x) => !x.doneAt).length;
  const overdue = data.items.filter((x) => x.overdue).length;
  const sub = open === 0 ? t('warning.meeting.phone.homeNone') : overdue ? t('warning.meeting.phone.homeOverdue', { count: open, overdue }) : t('warning.meeting.phone.homeOpen', { count: open });
  return <HomeLink to="/m/meeting-tasks" icon={<CarryOutOutlined style={{ fontSize: 22, color: overdue ? '#cf1322' : '#722ed1' }} />} title={t('warning.meeting.phone.home')} sub={sub} testId="home-meeting-tasks" />;
}

/** One task as a card: what, from which meeting, by when, and "done" (asked once more; a double tap sends once). */
function TaskCard({ task, onDone }: { task: MyMeetingTask; onDone: () => void }) {
  const { t } = useTranslation();
  const { busy, markDone } = useMarkTaskDone(task.id, onDone);
  return (
    <Card size="small" data-testid={`m-task-${task.id}`} data-done={task.doneAt ? 'true' : 'false'} style={task.doneAt ? { background: '#fafafa' } : undefined}>
      <Space orientation="vertical" size={8} style={{ width: '100%' }}>
        <div style={{ fontSize: 16, fontWeight: 500, overflowWrap: 'anywhere', color: task.doneAt ? '#8c8c8c' : undefined }}>{task.title}</div>
        <div style={{ color: '#8c8c8c', fontSize: 13, overflowWrap: 'anywhere' }}>{t('warning.meeting.phone.meeting', { school: task.schoolName, date: task.heldOn })}</div>
        <Space size={6} wrap>
          <span style={{ fontSize: 14 }}>{t('warning.meeting.phone.due', { date: task.dueDate })}</span>
          {task.overdue && (
            <Tag color="red" style={{ marginInlineEnd: 0 }}>
              {t('warning.meeting.agenda.overdue')}
            </Tag>
          )}
        </Space>
        {task.doneAt ? (
          <span style={{ color: '#389e0d', fontSize: 14 }} data-testid={`m-task-done-at-${task.id}`}>
            <CheckCircleFilled /> {t('warning.meeting.task.doneAt', { date: fmt(task.doneAt) })}
          </span>
        ) : (
          <Popconfirm title={t('warning.meeting.task.confirmDone')} okText={t('warning.meeting.task.done')} cancelText={t('common.cancel')} onConfirm={markDone}>
            <Button type="primary" block size="large" icon={<CheckOutlined />} loading={busy} data-testid={`m-task-done-${task.id}`}>
              {t('warning.meeting.task.done')}
            </Button>
          </Popconfirm>
        )}
      </Space>
    </Card>
  );
}

/**
 * 例会交办的任务 on the phone (/m/meeting-tasks): what the school's weekly meetings gave the user to do,
 * open ones first (overdue marked), then those done in the last 30 days. The meeting's notice links
 * to /care/meetings, which the phone app leads here.
 */
export default function MeetingTasksPage() {
  const { t } = useTranslation();
  const { data, error, loading, reload } = useAsync(load, []);
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="m-meeting-tasks">
      <Link to="/m" style={{ fontSize: 14 }}>
        <LeftOutlined /> {t('warning.meeting.phone.back')}
      </Link>
      <Typography.Title level={5} style={{ margin: 0 }}>
        {t('warning.meeting.phone.title')}
      </Typography.Title>
      <Typography.Text type="secondary" style={{ fontSize: 13 }}>
        {t('warning.meeting.phone.hint')}
      </Typography.Text>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      {loading && !data && <Loading />}
      {data?.items.length === 0 && <Empty description={t('warning.meeting.task.empty')} />}
      {data?.items.map((task) => <TaskCard key={task.id} task={task} onDone={reload} />)}
    </Space>
  );
}
