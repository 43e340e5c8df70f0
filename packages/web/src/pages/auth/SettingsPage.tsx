import { Card, Descriptions, Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMe } from '../../app/session';
import { ChangePasswordForm, TotpPanel } from './SecurityForms';

export default function SettingsPage() {
  const { t } = useTranslation();
  const me = useMe();
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="settings-page">
      <h1 className="xy-page-title">{t('menu.settings')}</h1>
      <Card>
        <Descriptions
          column={1}
          items={[
            { key: 'u', label: t('accounts.username'), children: me.account.username },
            { key: 'n', label: t('accounts.displayName'), children: me.account.displayName },
            {
              key: 'r',
              label: t('accounts.roles'),
              children: (
                <Space wrap>
                  {me.roles.map((r) => (
                    <Tag key={r.id} color="blue">
                      {t(`role.${r.role}`)}
                      {r.orgUnitName ? ` · ${r.orgUnitName}` : ''}
                      {r.studentName ? ` · ${r.studentName}` : ''}
                    </Tag>
                  ))}
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <Card title={t('password.title')}>
        <ChangePasswordForm />
      </Card>
      <Card title={t('totp.title')}>
        <TotpPanel />
      </Card>
    </Space>
  );
}
