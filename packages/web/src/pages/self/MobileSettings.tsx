import { Button, Card, Space } from 'antd';
import { LogoutOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../app/session';
import { ChangePasswordForm } from '../auth/SecurityForms';

export default function MobileSettings() {
  const { t } = useTranslation();
  const { logout } = useSession();
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="mobile-settings">
      <Card size="small" title={t('password.title')}>
        <ChangePasswordForm />
      </Card>
      <Button block danger icon={<LogoutOutlined />} onClick={() => void logout()} data-testid="mobile-logout">
        {t('app.logout')}
      </Button>
    </Space>
  );
}
