import { Alert, Breadcrumb, Button, Card, Descriptions, Space, Table, Tag, Typography } from 'antd';
import { ArrowLeftOutlined, PrinterOutlined, WarningOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import dayjs from 'dayjs';
import { api } from '../../api/client';
import type { ResponseDetail } from '../../api/types';
import { useCan } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { ErrorBox } from '../../components/ErrorBox';
import { Loading } from '../../components/Loading';
import { formatScore, LEVEL_TAG, LevelTag, useDuration, useFlagLabel } from './results/shared';
import './results/print.css';

type Scale = ResponseDetail['scales'][number];
type Answer = ResponseDetail['answers'][number];

/** 个人测评报告: one student's response, for the school counselor. Printable. Reading it is audited. */
export default function ResponseReportPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const can = useCan();
  const id = useParams().id ?? '';
  const flagLabel = useFlagLabel();
  const duration = useDuration();
  const { data: r, error, loading, reload } = useAsync((signal) => api.get<ResponseDetail>(`/screening/responses/${id}`, undefined, { signal }), [id]);

  if (loading && !r) return <Loading />;
  if (error !== undefined || !r) return <ErrorBox error={error} onRetry={reload} />;
  const critical = new Set(r.critical.map((c) => c.itemId));

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} className="xy-printable" data-testid="response-report">
      <Breadcrumb items={[{ title: <Link to={`/screening/campaigns/${r.campaign.id}`}>{r.campaign.title}</Link> }, { title: t('results.response.title') }]} />
      <Space className="xy-no-print" wrap>
        <Button icon={<ArrowLeftOutlined />} onClick={() => void navigate(-1)}>
          {t('results.response.back')}
        </Button>
        <Button icon={<PrinterOutlined />} onClick={() => window.print()} data-testid="response-print">
          {t('results.print')}
        </Button>
      </Space>
      <Alert type="warning" showIcon icon={<WarningOutlined />} title={<strong>{t('results.disclaimer')}</strong>} data-testid="response-disclaimer" />
      <Card
        title={
          <Space wrap>
            <span>{t('results.response.title')}</span>
            <Typography.Text type="secondary" style={{ fontWeight: 'normal' }}>
              {r.instrument.title}
            </Typography.Text>
          </Space>
        }
        extra={
          <Space>
            <LevelTag level={r.warningLevel} full testId="response-level" />
            {r.finalLevel && (
              <span>
                {t('results.finalLevel')} <LevelTag level={r.finalLevel} full testId="response-final-level" />
              </span>
            )}
          </Space>
        }
      >
        <Descriptions
          size="small"
          column={{ xs: 1, sm: 2, lg: 3 }}
          items={[
            {
              key: 'name',
              label: t('results.student'),
              children: can('student.read') ? (
                <Link to={`/students/${r.studentId}`} data-testid="response-student">
                  {r.name}
                </Link>
              ) : (
                <span data-testid="response-student">{r.name}</span>
              ),
            },
            { key: 'no', label: t('results.studentNo'), children: r.studentNo },
            { key: 'gender', label: t('results.gender'), children: t(`gender.${r.gender}`) },
            { key: 'school', label: t('results.school'), children: r.school },
            { key: 'grade', label: t('results.grade'), children: r.gradeLevel !== null ? t('results.gradeN', { n: r.gradeLevel }) : '—' },
            { key: 'class', label: t('results.className'), children: r.className || '—' },
            { key: 'campaign', label: t('results.campaign'), children: r.campaign.title },
            { key: 'instrument', label: t('results.instrument'), children: `${r.instrument.title}（${r.instrument.version}）` },
            { key: 'submitted', label: t('results.submittedAt'), children: dayjs(r.submittedAt).format('YYYY-MM-DD HH:mm') },
            { key: 'duration', label: t('results.duration'), children: <span data-testid="response-duration">{duration(r.durationSeconds)}</span> },
            {
              key: 'validity',
              label: t('results.validity'),
              children: (
                <Space size={[0, 4]} wrap data-testid="response-validity" data-valid={String(r.valid)}>
                  <Tag color={r.valid ? 'green' : 'red'}>{r.valid ? t('results.valid') : t('results.invalid')}</Tag>
                  {r.flags.map((f) => (
                    <Tag key={f} color="volcano">
                      {flagLabel(f)}
                    </Tag>
                  ))}
                </Space>
              ),
            },
          ]}
        />
      </Card>

      <Card size="small" title={t('results.response.scores')}>
        <Table<Scale>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={r.scales}
          data-testid="response-scales"
          columns={[
            { title: t('results.scale'), dataIndex: 'name' },
            { title: t('results.raw'), dataIndex: 'raw', align: 'right', render: (v: number | null) => formatScore(v) },
            { title: t('results.normed'), dataIndex: 'normed', align: 'right', render: (v: number | null) => formatScore(v) },
            { title: t('results.band'), dataIndex: 'band', render: (v: string | null, s) => (v ? <Tag color={s.level ? LEVEL_TAG[s.level] : 'default'}>{v}</Tag> : '—') },
            { title: t('results.warningLevel'), dataIndex: 'level', render: (v: Scale['level']) => (v ? <LevelTag level={v} /> : '—') },
          ]}
        />
      </Card>

      <Card size="small" title={t('results.critical')} data-testid="response-critical">
        {r.critical.length === 0 ? (
          <Typography.Text type="secondary">{t('results.response.criticalNone')}</Typography.Text>
        ) : (
          <Space orientation="vertical">
            {r.critical.map((c) => (
              <Space key={c.itemId}>
                <LevelTag level={c.level} />
                <span>{c.label ?? c.itemId}</span>
                <Typography.Text type="secondary">({c.itemId})</Typography.Text>
              </Space>
            ))}
          </Space>
        )}
        {r.valid && r.flags.length === 0 && (
          <div style={{ marginTop: 8 }}>
            <Typography.Text type="secondary">{t('results.response.validityOk')}</Typography.Text>
          </div>
        )}
      </Card>

      <Card size="small" title={t('results.response.answers')}>
        <Table<Answer>
          rowKey="itemId"
          size="small"
          pagination={false}
          dataSource={r.answers}
          data-testid="response-answers"
          rowClassName={(a) => (critical.has(a.itemId) ? 'xy-critical-row' : '')}
          columns={[
            { title: '#', key: 'i', width: 48, render: (_v, _a, i) => i + 1 },
            {
              title: t('results.response.item'),
              dataIndex: 'text',
              render: (v: string, a) => (
                <span>
                  {critical.has(a.itemId) && <WarningOutlined style={{ color: '#f5222d', marginInlineEnd: 6 }} />}
                  {v}
                </span>
              ),
            },
            {
              title: t('results.response.answer'),
              dataIndex: 'answer',
              width: 200,
              render: (v: string | null) => (v === null ? <Typography.Text type="secondary">{t('results.response.notAnswered')}</Typography.Text> : v),
            },
          ]}
        />
      </Card>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('results.disclaimer')}
      </Typography.Text>
    </Space>
  );
}
