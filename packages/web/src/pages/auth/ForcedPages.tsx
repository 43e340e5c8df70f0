import { Button, Card, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMe, useSession } from '../../app/session';
import { LanguageSwitch } from '../../components/LanguageSwitch';
import { ChangePasswordForm, TotpPanel } from './SecurityForms';

function Shell({ title, hint, children, testId }: { title: string; hint: string; children: React.ReactNode; testId: string }) {
  const { t } = useTranslation();
  const me = useMe();
  const { logout } = useSession();
  return (
    <div className="xy-login">
      <Card style={{ maxWidth: 520 }} data-testid={testId}>
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 8, marginBottom: 8 }}>
          <div className="xy-brand">
            <span style={{ color: '#1677ff', fontSize: 24 }}>心</span>
            {t('app.name')}
          </div>
          <LanguageSwitch />
        </div>
        <Typography.Title level={4}>{title}</Typography.Title>
        <Typography.Paragraph type="secondary">
          {me.account.displayName}（{me.account.username}）· {hint}
        </Typography.Paragraph>
        {children}
        <div style={{ marginTop: 16, textAlign: 'right' }}>
          <Button type="link" onClick={() => void logout()}>
            {t('app.logout')}
          </Button>
        </div>
      </Card>
    </div>
  );
}

export function ForcedPasswordPage() {
  const { t } = useTranslation();
  return (
    <Shell title={t('password.forcedTitle')} hint={t('password.forcedHint')} testId="forced-password">
      <ChangePasswordForm />
    </Shell>
  );
}

export function ForcedTotpPage() {
  const { t } = useTranslation();
  return (
    <Shell title={t('totp.forcedTitle')} hint={t('totp.forcedHint')} testId="forced-totp">
      <TotpPanel />
    </Shell>
  );
}
