import { AlertOutlined, HeartOutlined, HomeOutlined, PhoneOutlined, TeamOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import './screening/screening.css';

/** Where a student finds help: people at school and at home, the hotline, emergency numbers. */
export function HelpResources({ testId = 'help-resources' }: { testId?: string }) {
  const { t } = useTranslation();
  return (
    <div className="xy-ans-card" data-testid={testId}>
      <div style={{ fontWeight: 600 }}>{t('answering.helpTitle')}</div>
      <ul className="xy-ans-help">
        <li>
          <TeamOutlined style={{ marginTop: 5 }} />
          <span>{t('answering.helpTeacher')}</span>
        </li>
        <li>
          <HomeOutlined style={{ marginTop: 5 }} />
          <span>{t('answering.helpRoom')}</span>
        </li>
        <li>
          <HeartOutlined style={{ marginTop: 5 }} />
          <span>{t('answering.helpParents')}</span>
        </li>
        <li>
          <PhoneOutlined style={{ marginTop: 5 }} />
          <span>
            {t('answering.helpHotline')} <a href={`tel:${t('answering.hotline')}`}>{t('answering.hotline')}</a>
          </span>
        </li>
        <li>
          <AlertOutlined style={{ marginTop: 5, color: '#cf1322' }} />
          <span>
            {t('answering.helpEmergency')} <a href={`tel:${t('answering.police')}`}>{t('answering.police')}</a> / <a href={`tel:${t('answering.ambulance')}`}>{t('answering.ambulance')}</a>
          </span>
        </li>
      </ul>
    </div>
  );
}
