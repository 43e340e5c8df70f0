import { useState } from 'react';
import { App, Button, Modal } from 'antd';
import { AlertOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { api } from '../../api/client';
import { useSendOnce } from '../../app/useSendOnce';
import { newClientId } from './shared';

/** 转为危机个案 on an alert: opens the case from the alert (its student, its level), then shows the case. */
export function ToCrisisCaseButton({ alertId }: { alertId: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [clientId] = useState(newClientId);
  const { busy, problem, send } = useSendOnce();
  return (
    <>
      <Button danger icon={<AlertOutlined />} onClick={() => setOpen(true)} data-testid="alert-to-crisis">{t('crisis.fromAlert.button')}</Button>
      {open && (
        <Modal open title={t('crisis.fromAlert.confirm')} onCancel={() => setOpen(false)} confirmLoading={busy} okButtonProps={{ danger: true, 'data-testid': 'alert-to-crisis-submit' } as never}
          onOk={() => void send(async () => {
            const r = await api.post<{ id: string; created: boolean }>('/crisis/cases', { alertId, clientId });
            if (!r.created) void message.info(t('crisis.openForm.joined'));
            void navigate(`/crisis/${r.id}`);
          })}>
          <p>{t('crisis.fromAlert.confirmBody')}</p>
          {problem && <p style={{ color: '#cf1322' }}>{problem}</p>}
        </Modal>
      )}
    </>
  );
}
