import { useState } from 'react';
import { Alert, Button, Modal, Space, Typography, Upload } from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api/client';
import { useSendOnce } from '../../app/useSendOnce';
import { uuid } from '../../app/uuid';

/** 导入培训记录 (.xlsx): one row per attendee; on any error nothing is imported and every problem is listed. */
export function ImportTrainings({ onImported }: { onImported: () => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [clientId, setClientId] = useState(uuid);
  const [problems, setProblems] = useState<string[]>([]);
  const [done, setDone] = useState<string | null>(null);
  const { busy, problem, send } = useSendOnce();
  const close = () => (setOpen(false), setFile(null), setProblems([]), setDone(null), setClientId(uuid()));
  const submit = () =>
    file &&
    send(
      async () => {
        setProblems([]);
        const form = new FormData();
        form.append('file', file);
        const r = await api.upload<{ trainings: number; attendees: number; rows: number }>('/workforce/trainings/import', form, { query: { clientId } });
        setDone(t('workforce.import.done', r));
        onImported();
      },
      (e) => {
        if (e instanceof ApiError && e.fields) setProblems(Object.values(e.fields));
        return e instanceof Error ? e.message : String(e);
      },
    );
  return (
    <>
      <Button icon={<UploadOutlined />} onClick={() => setOpen(true)} data-testid="training-import">{t('workforce.import.button')}</Button>
      <Modal open={open} width={640} title={t('workforce.import.button')} onCancel={close} onOk={done ? close : () => void submit()} okText={done ? t('workforce.common.close') : t('workforce.import.submit')} okButtonProps={{ disabled: !file && !done }} confirmLoading={busy} destroyOnHidden>
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>{t('workforce.import.help')}</Typography.Paragraph>
          <Upload accept=".xlsx" maxCount={1} beforeUpload={(f) => (setFile(f), setProblems([]), setDone(null), setClientId(uuid()), false)} onRemove={() => setFile(null)} fileList={file ? [{ uid: '1', name: file.name }] : []}>
            <Button icon={<UploadOutlined />}>{t('workforce.import.pick')}</Button>
          </Upload>
          {done && <Alert type="success" showIcon title={done} />}
          {problem && <Alert type="error" showIcon title={problem} description={problems.length ? <ul style={{ margin: 0, paddingLeft: 18, maxHeight: 240, overflow: 'auto' }}>{problems.map((p) => <li key={p}>{p}</li>)}</ul> : undefined} data-testid="import-problems" />}
        </Space>
      </Modal>
    </>
  );
}
