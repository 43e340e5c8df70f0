import { useEffect } from 'react';
import { Button, Space } from 'antd';
import { CheckCircleFilled, LogoutOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { useSession } from '../../../app/session';
import { HelpResources } from '../HelpResources';
import './screening.css';

/**
 * The page after a submit: thanks, confidentiality and where to find help. Never a score, a
 * level or a label. `onShown` runs once it is on screen (the client id may then be forgotten).
 */
export function ThankYou({ title, onShown }: { title: string; onShown?: () => void }) {
  const { t } = useTranslation();
  const { logout } = useSession();
  const navigate = useNavigate();
  useEffect(() => {
    onShown?.();
  }, [onShown]);
  return (
    <div className="xy-ans" data-testid="thank-you">
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        <div className="xy-ans-card" style={{ textAlign: 'center' }}>
          <CheckCircleFilled style={{ color: '#52c41a', fontSize: 48 }} />
          <h2 style={{ marginTop: 12 }}>{t('answering.thanksTitle')}</h2>
          <p style={{ margin: '0 0 8px', fontSize: 16 }}>{t('answering.thanksBody', { title })}</p>
          <p className="xy-ans-note" style={{ margin: 0 }}>
            {t('answering.thanksConfidential')}
          </p>
        </div>
        <HelpResources />
        <Button type="primary" block size="large" style={{ height: 48 }} onClick={() => void navigate('/m/screening')} data-testid="thank-you-back">
          {t('answering.backToTasks')}
        </Button>
        <div className="xy-ans-note" style={{ textAlign: 'center' }}>
          {t('answering.sharedPc')}
        </div>
        <Button block icon={<LogoutOutlined />} onClick={() => void logout()} data-testid="thank-you-logout" style={{ height: 44 }}>
          {t('answering.logout')}
        </Button>
      </Space>
    </div>
  );
}
