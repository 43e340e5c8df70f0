import { useState } from 'react';
import { App, Button, Modal } from 'antd';
import { AlertOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../../api/client';
import type { Paged } from '../../api/types';
import { useAsync } from '../../app/useAsync';
import { useSendOnce } from '../../app/useSendOnce';
import { newClientId } from './shared';
import type { CrisisCaseItem } from './types';

/** 转为危机个案 on an alert: opens the case from the alert (its student, its level), then shows the case. */
export function ToCrisisCaseButton({ alertId, studentId }: { alertId: string; studentId: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [clientId] = useState(newClientId);
  const { busy, problem, send } = useSendOnce();
  // a student with an open case: show it instead (opening again would only join it)
  const existing = useAsync((signal) => api.get<Paged<CrisisCaseItem>>('/crisis/cases', { studentId, status: 'open', pageSize: 1 }, { signal }), [studentId]);
  const openCase = existing.data?.items[0];
  if (openCase) return <Link to={`/crisis/${openCase.id}`}><Button icon={<AlertOutlined />} data-testid="alert-crisis-case">{t('crisis.fromAlert.view')}</Button></Link>;
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
