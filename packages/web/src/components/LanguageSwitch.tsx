import { Select } from 'antd';
import { GlobalOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { setLanguage, type Language } from '../i18n';

export function LanguageSwitch({ size = 'small' }: { size?: 'small' | 'middle' }) {
  const { i18n, t } = useTranslation();
  return (
    <Select<Language>
      data-testid="lang-switch"
      aria-label={t('app.language')}
      size={size}
      value={i18n.language === 'en-US' ? 'en-US' : 'zh-CN'}
      onChange={(v) => void setLanguage(v)}
      prefix={<GlobalOutlined />}
      options={[
        { value: 'zh-CN', label: '中文' },
        { value: 'en-US', label: 'English' },
      ]}
      style={{ width: 120 }}
    />
  );
}
