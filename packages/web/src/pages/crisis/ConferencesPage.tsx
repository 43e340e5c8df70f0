import { useState } from 'react';
import { Button, Card } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { Items } from '../../api/types';
import { useCan, useMe } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { ErrorBox } from '../../components/ErrorBox';
import { ConferenceList, ConferenceModal } from './sections';
import type { Conference } from './types';

/** 会诊与会商: every conference the caller may read, and a cross-school conference for their school. */
export default function ConferencesPage() {
  const { t } = useTranslation();
  const can = useCan();
  const me = useMe();
  const [adding, setAdding] = useState(false);
  const { data, error, loading, reload } = useAsync((signal) => api.get<Items<Conference>>('/crisis/conferences', undefined, { signal }), []);
  const schools = me.roles.filter((r) => (r.role === 'counselor' || r.role === 'school_leader') && r.orgUnitId != null).map((r) => ({ value: r.orgUnitId!, label: r.orgUnitName ?? String(r.orgUnitId) }));
  return (
    <Card title={t('crisis.conferences.title')} loading={loading && !data}
      extra={can('crisis.manage') && schools.length > 0 && <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="conference-standalone-add">{t('crisis.conferences.addCrossSchool')}</Button>}>
      {error ? <ErrorBox error={error} onRetry={reload} /> : <ConferenceList items={data?.items ?? []} />}
      {adding && <ConferenceModal caseId={null} schools={schools} onClose={() => setAdding(false)} onDone={() => { setAdding(false); reload(); }} />}
    </Card>
  );
}
