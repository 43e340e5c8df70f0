import { App, Badge, Button, List, Segmented, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import dayjs from 'dayjs';
import { api, errorMessage } from '../../api/client';
import type { Notification, Paged } from '../../api/types';
import { useAsync } from '../../app/useAsync';
import { useQueryState } from '../../app/useQueryState';
import { ErrorBox } from '../../components/ErrorBox';

const KEYS = ['unread', 'page'] as const;

/** The caller's own messages (站内信), newest first. */
export default function NotificationsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [f, setF] = useQueryState(KEYS);
  const page = Number(f.page ?? 1);
  const unread = f.unread === 'true' ? 'true' : undefined;
  const { data, error, loading, reload } = useAsync(
    (signal) => api.get<Paged<Notification>>('/notifications', { unread, page, pageSize: 20 }, { signal }),
    [unread, page],
  );

  async function act(fn: () => Promise<unknown>) {
    try {
      await fn();
      reload();
      window.dispatchEvent(new Event('xinyu:notifications'));
    } catch (e) {
      void message.error(errorMessage(e));
    }
  }

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="notifications-page">
      <h1 className="xy-page-title">{t('notify.title')}</h1>
      <Space wrap>
        <Segmented
          value={unread ? 'unread' : 'all'}
          onChange={(v) => setF({ unread: v === 'unread' ? 'true' : null, page: null })}
          options={[
            { value: 'all', label: t('notify.all') },
            { value: 'unread', label: t('notify.unread') },
          ]}
        />
        <Button onClick={() => void act(() => api.post('/notifications/read-all'))} data-testid="notifications-read-all">
          {t('notify.readAll')}
        </Button>
      </Space>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <List<Notification>
        loading={loading}
        dataSource={data?.items ?? []}
        locale={{ emptyText: t('notify.empty') }}
        data-testid="notifications-list"
        pagination={(data?.total ?? 0) > 20 ? { current: page, pageSize: 20, total: data?.total ?? 0, onChange: (p) => setF({ page: p }) } : false}
        renderItem={(n) => (
          <List.Item
            actions={n.readAt ? [] : [<Button key="read" type="link" size="small" onClick={() => void act(() => api.post(`/notifications/${n.id}/read`))}>{t('notify.markRead')}</Button>]}
          >
            <List.Item.Meta
              title={
                <Space>
                  {!n.readAt && <Badge status="processing" />}
                  {n.link ? <Link to={n.link}>{n.title}</Link> : <Typography.Text strong={!n.readAt}>{n.title}</Typography.Text>}
                </Space>
              }
              description={
                <Space orientation="vertical" size={0}>
                  {n.body && <Typography.Text type="secondary">{n.body}</Typography.Text>}
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>{dayjs(n.createdAt).format('YYYY-MM-DD HH:mm')}</Typography.Text>
                </Space>
              }
            />
          </List.Item>
        )}
      />
    </Space>
  );
}
