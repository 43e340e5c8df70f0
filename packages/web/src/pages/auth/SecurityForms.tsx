import { useState } from 'react';
import { Alert, App, Button, Form, Input, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, errorMessage, formErrors } from '../../api/client';
import type { TotpStart } from '../../api/types';
import { useMe, useSession } from '../../app/session';

interface PasswordValues {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

/** Local copy of the core password policy (the server checks it again). */
function policyOk(p: string): boolean {
  return p.length >= 8 && [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((r) => r.test(p)).length >= 3;
}

export function ChangePasswordForm({ onDone }: { onDone?: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { refresh } = useSession();
  const [form] = Form.useForm<PasswordValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(v: PasswordValues) {
    setBusy(true);
    setError(null);
    try {
      await api.post('/auth/password', { currentPassword: v.currentPassword, newPassword: v.newPassword });
      void message.success(t('password.changed'));
      form.resetFields();
      await refresh();
      onDone?.();
    } catch (e) {
      const fe = formErrors(e);
      if (fe.length) form.setFields(fe.map((f) => ({ name: f.name as keyof PasswordValues, errors: f.errors })));
      else setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Form<PasswordValues> form={form} layout="vertical" onFinish={(v) => void submit(v)} style={{ maxWidth: 420 }} data-testid="password-form">
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form.Item name="currentPassword" label={t('password.current')} rules={[{ required: true, message: t('common.required') }]}>
        <Input.Password autoComplete="current-password" data-testid="pw-current" />
      </Form.Item>
      <Form.Item
        name="newPassword"
        label={t('password.new')}
        extra={t('password.policy')}
        rules={[{ required: true, message: t('common.required') }, { validator: (_r, v: string | undefined) => (!v || policyOk(v) ? Promise.resolve() : Promise.reject(new Error(t('password.policy')))) }]}
      >
        <Input.Password autoComplete="new-password" data-testid="pw-new" />
      </Form.Item>
      <Form.Item
        name="confirm"
        label={t('password.confirm')}
        dependencies={['newPassword']}
        rules={[
          { required: true, message: t('common.required') },
          ({ getFieldValue }) => ({
            validator: (_r, v: string | undefined) => (!v || getFieldValue('newPassword') === v ? Promise.resolve() : Promise.reject(new Error(t('password.mismatch')))),
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" data-testid="pw-confirm" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy} data-testid="pw-submit">
        {t('password.submit')}
      </Button>
    </Form>
  );
}

export function TotpPanel() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const me = useMe();
  const { refresh } = useSession();
  const [start, setStart] = useState<TotpStart | null>(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [resetPw, setResetPw] = useState('');

  async function run(fn: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  if (me.account.totpEnabled) {
    return (
      <Space orientation="vertical" style={{ maxWidth: 420, width: '100%' }} data-testid="totp-panel">
        <Alert type="success" showIcon title={t('totp.enabled')} />
        {error && <Alert type="error" showIcon title={error} />}
        <Typography.Text type="secondary">{t('totp.resetHint')}</Typography.Text>
        <Input.Password value={resetPw} onChange={(e) => setResetPw(e.target.value)} placeholder={t('password.current')} autoComplete="current-password" data-testid="totp-reset-password" />
        <Button
          danger
          loading={busy}
          disabled={!resetPw}
          data-testid="totp-reset"
          onClick={() =>
            void run(async () => {
              await api.post('/auth/totp/reset', { password: resetPw });
              setResetPw('');
              void message.success(t('totp.resetDone'));
              await refresh();
            })
          }
        >
          {t('totp.reset')}
        </Button>
      </Space>
    );
  }

  return (
    <Space orientation="vertical" style={{ maxWidth: 480, width: '100%' }} data-testid="totp-panel">
      {!me.account.mfaRequired && <Alert type="info" showIcon title={t('totp.disabled')} />}
      {error && <Alert type="error" showIcon title={error} />}
      {!start ? (
        <Button
          type="primary"
          loading={busy}
          data-testid="totp-start"
          onClick={() =>
            void run(async () => {
              setStart(await api.post<TotpStart>('/auth/totp/start'));
            })
          }
        >
          {t('totp.start')}
        </Button>
      ) : (
        <>
          <Typography.Paragraph>{t('totp.scanHint')}</Typography.Paragraph>
          <Typography.Text strong>{t('totp.secret')}</Typography.Text>
          <Typography.Paragraph copyable code className="xy-break" data-testid="totp-secret">
            {start.secret}
          </Typography.Paragraph>
          <Typography.Text strong>{t('totp.uri')}</Typography.Text>
          <Typography.Paragraph copyable className="xy-break" type="secondary" data-testid="totp-uri">
            {start.uri}
          </Typography.Paragraph>
          <Typography.Text strong>{t('totp.code')}</Typography.Text>
          <Input.OTP length={6} value={code} onChange={setCode} data-testid="totp-code" />
          <Button
            type="primary"
            loading={busy}
            disabled={!/^\d{6}$/.test(code)}
            data-testid="totp-confirm"
            onClick={() =>
              void run(async () => {
                await api.post('/auth/totp/confirm', { code });
                void message.success(t('totp.confirmed'));
                setStart(null);
                setCode('');
                await refresh();
              })
            }
          >
            {t('totp.confirm')}
          </Button>
        </>
      )}
    </Space>
  );
}
