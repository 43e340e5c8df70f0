import { useEffect, useState } from 'react';
import { Badge, Button } from 'antd';
import { BellOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { api } from '../api/client';

/** The unread count in the header, refreshed every minute and whenever the inbox changes. */
export function NotificationBell() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [count, setCount] = useState(0);
  useEffect(() => {
    let stop = false;
    const load = () =>
      void api
        .get<{ count: number }>('/notifications/unread-count')
        .then((r) => !stop && setCount(r.count))
        .catch(() => undefined);
    load();
    const timer = setInterval(load, 60_000);
    window.addEventListener('xinyu:notifications', load);
    return () => {
      stop = true;
      clearInterval(timer);
      window.removeEventListener('xinyu:notifications', load);
    };
  }, []);
  return (
    <Badge count={count} size="small" offset={[-4, 4]}>
      <Button type="text" icon={<BellOutlined />} aria-label={t('notify.title')} onClick={() => navigate('/notifications')} data-testid="notification-bell" />
    </Badge>
  );
}
