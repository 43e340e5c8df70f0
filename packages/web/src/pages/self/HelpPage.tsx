import { useState } from 'react';
import { Alert, Button, Input, Space } from 'antd';
import { CheckCircleFilled, HeartFilled } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { api } from '../../api/client';
import type { HelpRequestBody } from '../../api/types';
import { useSendOnce } from '../../app/useSendOnce';
import { uuid } from '../../app/uuid';
import { HelpResources } from './HelpResources';
import './screening/screening.css';

/**
 * 我需要帮助: a student tells the school they need someone. No level, no label, nothing about what
 * the school makes of it; just that a teacher will be in touch. One client id per message, reused
 * on a retry, and the button is held while sending, so a double tap sends once.
 */
export default function HelpPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [message, setMessage] = useState('');
  const [clientId, setClientId] = useState(uuid);
  const [sent, setSent] = useState(false);
  const { busy, problem, send: sendOnce } = useSendOnce();

  const send = () =>
    sendOnce(async () => {
      const body: HelpRequestBody = { message: message.trim(), clientId };
      await api.post('/my/help', body);
      setSent(true);
    });

  if (sent) {
    return (
      <div className="xy-ans" data-testid="help-page">
        <Space orientation="vertical" size={12} style={{ width: '100%' }}>
          <div className="xy-ans-card" style={{ textAlign: 'center' }} data-testid="help-sent">
            <CheckCircleFilled style={{ color: '#52c41a', fontSize: 44 }} />
            <h2 style={{ margin: '12px 0 8px' }}>{t('warning.help.sentTitle')}</h2>
            <p style={{ margin: 0, fontSize: 16 }}>{t('warning.help.sentBody')}</p>
          </div>
          <HelpResources />
          <Button type="primary" block size="large" style={{ height: 48 }} onClick={() => void navigate('/m')} data-testid="help-home">
            {t('warning.help.backHome')}
          </Button>
          <Button
            block
            style={{ height: 44 }}
            onClick={() => {
              setMessage('');
              setClientId(uuid());
              setSent(false);
            }}
            data-testid="help-again"
          >
            {t('warning.help.again')}
          </Button>
        </Space>
      </div>
    );
  }

  return (
    <div className="xy-ans" data-testid="help-page">
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        <div className="xy-ans-card">
          <h2 style={{ margin: '0 0 8px', display: 'flex', alignItems: 'center', gap: 8 }}>
            <HeartFilled style={{ color: '#eb2f96' }} />
            {t('warning.help.title')}
          </h2>
          <p style={{ margin: '0 0 4px' }}>{t('warning.help.intro')}</p>
          <p className="xy-ans-note" style={{ margin: 0 }}>
            {t('warning.help.private')}
          </p>
        </div>
        <div className="xy-ans-card">
          <label htmlFor="help-message" style={{ display: 'block', fontWeight: 500, marginBottom: 8 }}>
            {t('warning.help.message')}
          </label>
          <Input.TextArea
            id="help-message"
            value={message}
            onChange={(e) => setMessage(e.target.value)}
            rows={6}
            maxLength={2000}
            showCount
            placeholder={t('warning.help.placeholder')}
            disabled={busy}
            style={{ fontSize: 16 }}
            data-testid="help-message"
          />
        </div>
        {problem && <Alert type="error" showIcon title={problem} data-testid="help-error" />}
        <Button type="primary" block size="large" style={{ height: 48 }} loading={busy} disabled={busy} onClick={() => void send()} data-testid="help-submit">
          {t('warning.help.submit')}
        </Button>
      </Space>
    </div>
  );
}
