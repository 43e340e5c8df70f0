import { useEffect, useState } from 'react';
import { Alert, Button, Card, Form, Input, Space, Typography } from 'antd';
import { IdcardOutlined, KeyOutlined, UserOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { api, ApiError, errorMessage, formErrors } from '../../api/client';
import { useSession } from '../../app/session';
import { LanguageSwitch } from '../../components/LanguageSwitch';
import { Loading } from '../../components/Loading';
import '../self/screening/screening.css';

interface Values {
  classCode: string;
  studentNo: string;
  name: string;
}

/** Set between a successful sign-in and the signed-in render of this page, which then moves on. */
let justSignedIn = false;

/**
 * Computer-room sign-in: the class code the teacher shows, the student's 学籍号 and name. Shared
 * PCs keep the last student's session, so a signed-in visit shows who it is and offers to sign out.
 */
export default function ClassCodeLoginPage() {
  const { t } = useTranslation();
  const { state, refresh, logout } = useSession();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const signedIn = state.status === 'signed-in';
  useEffect(() => {
    if (signedIn && justSignedIn) {
      justSignedIn = false;
      void navigate('/m/screening', { replace: true });
    }
  }, [signedIn, navigate]);
  if (signedIn && justSignedIn) return <Loading />;

  async function submit(v: Values) {
    setBusy(true);
    setError(null);
    try {
      await api.post('/auth/class-code', { classCode: v.classCode.trim().toUpperCase(), studentNo: v.studentNo.trim(), name: v.name.trim() }, { quiet401: true });
      justSignedIn = true;
      const me = await refresh();
      if (!me) {
        justSignedIn = false;
        setError(t('app.loadFailed'));
      }
    } catch (e) {
      justSignedIn = false;
      const fields = formErrors(e);
      if (e instanceof ApiError && e.status === 400 && fields.length) form.setFields(fields.map((f) => ({ name: f.name as keyof Values, errors: f.errors })));
      else setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  const header = (
    <Space orientation="vertical" size={4} style={{ width: '100%', marginBottom: 16 }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 8 }}>
        <div className="xy-brand">
          <span style={{ color: '#1677ff', fontSize: 24 }}>心</span>
          {t('app.name')} · {t('answering.classCodeTitle')}
        </div>
        <LanguageSwitch />
      </div>
    </Space>
  );

  if (state.status === 'signed-in') {
    return (
      <div className="xy-login">
        <Card data-testid="classcode-signed-in">
          {header}
          <Typography.Paragraph style={{ fontSize: 16 }}>{t('answering.signedInAs', { name: state.me.account.displayName })}</Typography.Paragraph>
          <Space orientation="vertical" style={{ width: '100%' }} size={12}>
            <Button type="primary" block size="large" onClick={() => void navigate('/m/screening', { replace: true })} data-testid="classcode-continue">
              {t('answering.continueAs')}
            </Button>
            <Button block size="large" onClick={() => void logout()} data-testid="classcode-logout">
              {t('answering.notMe')}
            </Button>
          </Space>
        </Card>
      </div>
    );
  }

  return (
    <div className="xy-login xy-classcode">
      <Card data-testid="classcode-card">
        {header}
        <Typography.Paragraph type="secondary" style={{ fontSize: 14 }}>
          {t('answering.classCodeHint')}
        </Typography.Paragraph>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="classcode-error" />}
        <Form<Values> form={form} layout="vertical" requiredMark={false} onFinish={(v) => void submit(v)} data-testid="classcode-form">
          <Form.Item
            name="classCode"
            label={t('answering.classCode')}
            normalize={(v: string) => v.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 6)}
            rules={[{ required: true, pattern: /^[A-Z0-9]{6}$/, message: t('answering.classCodeInvalid') }]}
          >
            <Input
              className="xy-classcode-code"
              prefix={<KeyOutlined />}
              placeholder={t('answering.classCodePlaceholder')}
              autoComplete="off"
              autoCapitalize="characters"
              spellCheck={false}
              size="large"
              data-testid="classcode-code"
            />
          </Form.Item>
          <Form.Item name="studentNo" label={t('answering.studentNo')} rules={[{ required: true, whitespace: true, message: t('answering.studentNoRequired') }]}>
            <Input prefix={<IdcardOutlined />} autoComplete="off" spellCheck={false} size="large" maxLength={30} data-testid="classcode-studentno" />
          </Form.Item>
          <Form.Item name="name" label={t('answering.name')} rules={[{ required: true, whitespace: true, message: t('answering.nameRequired') }]}>
            <Input prefix={<UserOutlined />} autoComplete="off" size="large" maxLength={50} data-testid="classcode-name" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block size="large" loading={busy} data-testid="classcode-submit">
            {t('answering.classCodeSubmit')}
          </Button>
        </Form>
        <div style={{ textAlign: 'center', marginTop: 16 }}>
          <Link to="/login" data-testid="classcode-password-login">
            {t('answering.passwordLogin')}
          </Link>
        </div>
      </Card>
    </div>
  );
}
