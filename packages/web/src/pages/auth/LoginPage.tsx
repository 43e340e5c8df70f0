import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Space, Typography } from 'antd';
import { LockOutlined, SafetyOutlined, UserOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, ApiError, errorMessage } from '../../api/client';
import type { Me } from '../../api/types';
import { useSession } from '../../app/session';
import { LanguageSwitch } from '../../components/LanguageSwitch';

interface Credentials {
  login: string;
  password: string;
}

export default function LoginPage() {
  const { t } = useTranslation();
  const { signedIn } = useSession();
  const [creds, setCreds] = useState<Credentials | null>(null);
  const [step, setStep] = useState<'password' | 'totp'>('password');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [totp, setTotp] = useState('');

  async function attempt(c: Credentials, code?: string) {
    setBusy(true);
    setError(null);
    try {
      const me = await api.post<Me>('/auth/login', { login: c.login.trim(), password: c.password, ...(code ? { totp: code } : {}) }, { quiet401: true });
      signedIn(me);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'mfa_required') {
        setCreds(c);
        setStep('totp');
        setTotp('');
      } else {
        setError(errorMessage(e));
        if (e instanceof ApiError && e.code === 'invalid_totp') setTotp('');
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="xy-login">
      <Card data-testid="login-card">
        <Space orientation="vertical" size={4} style={{ width: '100%', marginBottom: 16 }}>
          <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 8 }}>
            <div className="xy-brand">
              <span style={{ color: '#1677ff', fontSize: 24 }}>心</span>
              {t('app.name')}
            </div>
            <LanguageSwitch />
          </div>
          <Typography.Text type="secondary">{t('login.subtitle')}</Typography.Text>
        </Space>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="login-error" />}
        {step === 'password' ? (
          <Form<Credentials> layout="vertical" onFinish={(v) => void attempt(v)} requiredMark={false} initialValues={creds ?? undefined}>
            <Form.Item name="login" label={t('login.login')} rules={[{ required: true, whitespace: true, message: t('login.loginRequired') }]}>
              <Input prefix={<UserOutlined />} placeholder={t('login.loginPlaceholder')} autoComplete="username" data-testid="login-username" size="large" />
            </Form.Item>
            <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('login.passwordRequired') }]}>
              <Input.Password prefix={<LockOutlined />} autoComplete="current-password" data-testid="login-password" size="large" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block size="large" loading={busy} data-testid="login-submit">
              {t('login.submit')}
            </Button>
            <div style={{ textAlign: 'center', marginTop: 16 }}>
              <Link to="/class-code" data-testid="login-classcode-link">
                {t('answering.classCodeLink')}
              </Link>
            </div>
          </Form>
        ) : (
          <Form
            layout="vertical"
            onFinish={() => {
              if (creds && /^\d{6}$/.test(totp)) void attempt(creds, totp);
            }}
          >
            <Typography.Title level={5} style={{ marginTop: 0 }}>
              <SafetyOutlined /> {t('login.totpTitle')}
            </Typography.Title>
            <Typography.Paragraph type="secondary">{t('login.totpHint')}</Typography.Paragraph>
            <Form.Item>
              <Input.OTP
                length={6}
                value={totp}
                onChange={(v) => {
                  setTotp(v);
                  if (creds && /^\d{6}$/.test(v)) void attempt(creds, v);
                }}
                data-testid="login-totp"
                autoFocus
              />
            </Form.Item>
            <Space orientation="vertical" style={{ width: '100%' }}>
              <Button type="primary" htmlType="submit" block size="large" loading={busy} disabled={!/^\d{6}$/.test(totp)} data-testid="login-totp-submit">
                {t('login.totpSubmit')}
              </Button>
              <Button
                block
                type="link"
                onClick={() => {
                  setStep('password');
                  setError(null);
                }}
              >
                {t('login.back')}
              </Button>
            </Space>
          </Form>
        )}
      </Card>
    </div>
  );
}
