import { Badge, Card } from 'antd';
import { FormOutlined, RightOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../../api/client';
import type { Items, MyTask } from '../../../api/types';
import { useAsync } from '../../../app/useAsync';
import { ErrorBox } from '../../../components/ErrorBox';
import './screening.css';

/** Open tasks: instruments not yet submitted in campaigns the student may (or will, once a parent agrees) answer. */
export function openTaskCount(tasks: readonly MyTask[]): number {
  return tasks.filter((t) => t.consent !== 'refused').reduce((n, t) => n + t.instruments.filter((i) => i.status !== 'submitted').length, 0);
}

/** The student's home card: 我的测评 with the number of open tasks. */
export function ScreeningHomeCard() {
  const { t } = useTranslation();
  const { data, error, reload } = useAsync((signal) => api.get<Items<MyTask>>('/my/screenings', undefined, { signal }), []);
  const open = data ? openTaskCount(data.items) : undefined;
  return (
    <section>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Card size="small" loading={!data && error === undefined} styles={{ body: { padding: 0 } }}>
        <Link to="/m/screening" className="xy-task-row" style={{ border: 0 }} data-testid="home-screening-card" data-open={open ?? ''}>
          <span className="xy-task-name" style={{ display: 'flex', alignItems: 'center', gap: 10 }}>
            <FormOutlined style={{ fontSize: 22, color: '#1677ff' }} />
            <span>
              {t('answering.homeCard')}
              <span className="xy-task-sub">{open ? t('answering.homeOpen', { count: open }) : t('answering.homeNone')}</span>
            </span>
          </span>
          <span className="xy-task-state">
            {open ? <Badge count={open} data-testid="home-screening-count" /> : null}
            <RightOutlined />
          </span>
        </Link>
      </Card>
    </section>
  );
}
