import { useState } from 'react';
import { Alert, App, Button, DatePicker, Form, Input, Modal, Radio, Select, Space, Table, Tag, Typography } from 'antd';
import { EditOutlined, SolutionOutlined } from '@ant-design/icons';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import dayjs, { type Dayjs } from 'dayjs';
import { api } from '../../../api/client';
import type { Campaign, FollowUp, InterviewBody, WarningLevel } from '../../../api/types';
import { applyFormErrors } from '../../../app/formErrors';
import { useOrgTree } from '../../../app/orgTree';
import { useCan } from '../../../app/session';
import { useAsync } from '../../../app/useAsync';
import { useQueryState } from '../../../app/useQueryState';
import { ErrorBox } from '../../../components/ErrorBox';
import { OrgUnitSelect } from '../../../components/OrgUnitSelect';
import { LEVELS, LevelTag } from './shared';

type Decision = InterviewBody['decision'];
const DECISIONS: readonly Decision[] = ['confirm', 'lower', 'raise', 'clear'];
const STATUS_COLOR: Record<FollowUp['status'], string> = { awaiting_observation: 'default', awaiting_interview: 'blue', decided: 'green' };

function ObservationModal({ row, onClose, onSaved }: { row: FollowUp; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ observation: string }>();
  const [busy, setBusy] = useState(false);
  return (
    <Modal
      open
      title={t('results.followUps.observationTitle', { name: row.name })}
      onCancel={onClose}
      confirmLoading={busy}
      okText={t('common.save')}
      okButtonProps={{ 'data-testid': 'observation-submit' } as Record<string, string>}
      destroyOnHidden
      onOk={() =>
        void form
          .validateFields()
          .then(async (v) => {
            setBusy(true);
            try {
              await api.post(`/screening/follow-ups/${row.id}/observation`, { observation: v.observation.trim() });
              void message.success(t('results.followUps.saved'));
              onSaved();
            } catch (e) {
              const rest = applyFormErrors(form, e, ['observation']);
              if (rest) void message.error(rest);
            } finally {
              setBusy(false);
            }
          })
          .catch(() => undefined)
      }
    >
      <Form form={form} layout="vertical" initialValues={{ observation: row.observation ?? '' }}>
        <Form.Item name="observation" label={t('results.followUps.observation')} extra={t('results.followUps.observationHint')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
          <Input.TextArea rows={5} maxLength={2000} showCount data-testid="observation-input" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

interface InterviewValues {
  interviewDate: Dayjs;
  interview: string;
  decision: Decision;
  finalLevel: WarningLevel;
  reason: string;
}
const INTERVIEW_FIELDS = ['interviewDate', 'interview', 'decision', 'finalLevel', 'reason'] as const;

function InterviewModal({ row, onClose, onSaved }: { row: FollowUp; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<InterviewValues>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const decision = Form.useWatch('decision', form);
  return (
    <Modal
      open
      width={640}
      title={t('results.followUps.interviewTitle', { name: row.name })}
      onCancel={onClose}
      confirmLoading={busy}
      okText={t('common.save')}
      okButtonProps={{ 'data-testid': 'interview-submit' } as Record<string, string>}
      destroyOnHidden
      onOk={() =>
        void form
          .validateFields()
          .then(async (v) => {
            setBusy(true);
            setProblem(null);
            const body: InterviewBody = {
              interview: v.interview.trim(),
              interviewDate: v.interviewDate.format('YYYY-MM-DD'),
              decision: v.decision,
              finalLevel: v.finalLevel,
              reason: v.reason.trim(),
            };
            try {
              await api.post(`/screening/follow-ups/${row.id}/interview`, body);
              void message.success(t('results.followUps.saved'));
              onSaved();
            } catch (e) {
              // the server checks the decision against the levels and names the field
              setProblem(applyFormErrors(form, e, INTERVIEW_FIELDS) ?? null);
            } finally {
              setBusy(false);
            }
          })
          .catch(() => undefined)
      }
    >
      <Space orientation="vertical" style={{ width: '100%' }} size={12}>
        <Space wrap>
          {row.initialLevel && (
            <span>
              {t('results.initialLevel')}：<LevelTag level={row.initialLevel} full />
            </span>
          )}
          <Typography.Text type="secondary">{t('results.disclaimerShort')}</Typography.Text>
        </Space>
        {row.observation && (
          <Alert
            type="info"
            title={t('results.followUps.observation')}
            description={
              <>
                <div style={{ whiteSpace: 'pre-wrap' }}>{row.observation}</div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {row.observedBy} {row.observedAt ? dayjs(row.observedAt).format('YYYY-MM-DD HH:mm') : ''}
                </Typography.Text>
              </>
            }
          />
        )}
        {problem && <Alert type="error" showIcon title={problem} data-testid="interview-error" />}
        <Form
          form={form}
          layout="vertical"
          initialValues={{
            interviewDate: row.interviewedAt ? dayjs(row.interviewedAt) : dayjs(),
            interview: row.interview ?? '',
            decision: row.decision ?? undefined,
            finalLevel: row.finalLevel ?? undefined,
            reason: row.reason ?? '',
          }}
          onValuesChange={(changed: Partial<InterviewValues>) => {
            // a helpful default for the two decisions that fix the level; the server checks all four
            if (changed.decision === 'confirm' && row.initialLevel) form.setFieldValue('finalLevel', row.initialLevel);
            if (changed.decision === 'clear') form.setFieldValue('finalLevel', 'none');
          }}
        >
          <Form.Item name="interviewDate" label={t('results.followUps.interviewDate')} rules={[{ required: true, message: t('common.required') }]}>
            <DatePicker disabledDate={(d) => d.isAfter(dayjs(), 'day')} data-testid="interview-date" />
          </Form.Item>
          <Form.Item name="interview" label={t('results.followUps.interviewText')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
            <Input.TextArea rows={5} maxLength={5000} showCount placeholder={t('results.followUps.interviewPlaceholder')} data-testid="interview-text" />
          </Form.Item>
          <Form.Item name="decision" label={t('results.followUps.decision')} rules={[{ required: true, message: t('common.required') }]} extra={decision ? t(`results.decisionHint.${decision}`) : undefined}>
            <Radio.Group optionType="button" buttonStyle="solid" data-testid="interview-decision" options={DECISIONS.map((d) => ({ value: d, label: t(`results.decision.${d}`) }))} />
          </Form.Item>
          <Form.Item name="finalLevel" label={t('results.finalLevel')} rules={[{ required: true, message: t('common.required') }]}>
            <Select
              style={{ width: 200 }}
              data-testid="interview-final-level"
              options={LEVELS.map((l) => ({ value: l, label: t(`results.levelFull.${l}`) }))}
            />
          </Form.Item>
          <Form.Item name="reason" label={t('results.followUps.reason')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
            <Input.TextArea rows={2} maxLength={1000} data-testid="interview-reason" />
          </Form.Item>
        </Form>
      </Space>
    </Modal>
  );
}

/**
 * 复检: the flagged students of a campaign. A head teacher sees names and status and writes
 * observations (the API gives them no level); a counselor also sees levels and records the interview.
 */
export default function FollowUpsTab({ campaign }: { campaign: Campaign }) {
  const { t } = useTranslation();
  const can = useCan();
  const { units } = useOrgTree();
  const [f, setF] = useQueryState(['fUnit'] as const);
  const unitId = f.fUnit ? Number(f.fUnit) : undefined;
  const unit = units.find((u) => u.id === unitId);
  const query = unit ? (unit.kind === 'class' ? { classId: unit.id } : { schoolId: unit.id }) : {};
  const { data, error, loading, reload } = useAsync(
    (signal) => api.get<{ items: FollowUp[] }>(`/screening/campaigns/${campaign.id}/follow-ups`, query, { signal }),
    [campaign.id, unit?.id, unit?.kind],
  );
  const [editing, setEditing] = useState<{ kind: 'observation' | 'interview'; row: FollowUp } | null>(null);
  const seesLevels = can('screening.results');
  const canObserve = can('screening.observe');
  const canInterview = can('screening.recheck');
  const items = data?.items ?? [];
  const count = (s: FollowUp['status']) => items.filter((i) => i.status === s).length;

  const columns: ColumnsType<FollowUp> = [
    {
      title: t('results.student'),
      dataIndex: 'name',
      width: 110,
      render: (v: string, r) => (can('student.read') ? <Link to={`/students/${r.studentId}`}>{v}</Link> : v),
    },
    { title: t('results.className'), dataIndex: 'className', width: 90 },
    {
      title: t('results.signOffs.status'),
      dataIndex: 'status',
      width: 130,
      render: (s: FollowUp['status'], r) => (
        <Tag color={STATUS_COLOR[s]} data-testid={`followup-status-${r.studentId}`} data-status={s}>
          {t(`results.followUpStatus.${s}`)}
        </Tag>
      ),
    },
    ...(seesLevels
      ? ([
          { title: t('results.initialLevel'), key: 'initial', width: 90, render: (_v, r) => (r.initialLevel ? <LevelTag level={r.initialLevel} testId={`followup-initial-${r.studentId}`} /> : '—') },
        ] as ColumnsType<FollowUp>)
      : []),
    {
      title: t('results.followUps.observation'),
      key: 'observation',
      render: (_v, r) =>
        r.observation ? (
          <div>
            <div style={{ whiteSpace: 'pre-wrap' }} data-testid={`followup-observation-${r.studentId}`}>
              {r.observation}
            </div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('results.followUps.observedBy', { name: r.observedBy ?? '', at: r.observedAt ? dayjs(r.observedAt).format('YYYY-MM-DD HH:mm') : '' })}
            </Typography.Text>
          </div>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
    ...(seesLevels
      ? ([
          {
            title: t('results.followUps.interview'),
            key: 'interview',
            render: (_v, r) =>
              r.decision ? (
                <div>
                  <Space wrap size={4}>
                    <Tag data-testid={`followup-decision-${r.studentId}`}>{t(`results.decision.${r.decision}`)}</Tag>
                    {r.finalLevel && <LevelTag level={r.finalLevel} testId={`followup-final-${r.studentId}`} />}
                  </Space>
                  {r.reason && <div>{r.reason}</div>}
                  {r.interview && (
                    <Typography.Paragraph type="secondary" ellipsis={{ rows: 2, expandable: true, symbol: t('common.view') }} style={{ marginBottom: 0, whiteSpace: 'pre-wrap' }}>
                      {r.interview}
                    </Typography.Paragraph>
                  )}
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {r.decidedBy} {r.interviewedAt ?? ''}
                  </Typography.Text>
                </div>
              ) : (
                <Typography.Text type="secondary">—</Typography.Text>
              ),
          },
        ] as ColumnsType<FollowUp>)
      : []),
    ...((canObserve || canInterview
      ? [
        {
          title: t('results.actions'),
          key: 'actions',
          width: 150,
          render: (_v: unknown, r: FollowUp) => (
            <Space orientation="vertical" size={4}>
              {canObserve && (
                <Button size="small" icon={<EditOutlined />} onClick={() => setEditing({ kind: 'observation', row: r })} data-testid={`observation-open-${r.studentId}`}>
                  {r.observation ? t('results.followUps.editObservation') : t('results.followUps.addObservation')}
                </Button>
              )}
              {canInterview && (
                <Button size="small" type={r.decision ? 'default' : 'primary'} icon={<SolutionOutlined />} onClick={() => setEditing({ kind: 'interview', row: r })} data-testid={`interview-open-${r.studentId}`}>
                  {r.decision ? t('results.followUps.editInterview') : t('results.followUps.recordInterview')}
                </Button>
              )}
            </Space>
          ),
        },
        ]
      : []) as ColumnsType<FollowUp>),
  ];

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="followups-tab">
      <Alert type="info" showIcon title={seesLevels ? t('results.followUps.hint') : t('results.followUps.hintHead')} />
      <Space wrap>
        <OrgUnitSelect value={unitId} onChange={(v) => setF({ fUnit: v })} selectableKinds={['school', 'class']} placeholder={t('results.followUps.unitPlaceholder')} testId="followups-unit" />
        {data && (
          <Typography.Text type="secondary" data-testid="followups-summary">
            {t('results.followUps.summary', { total: items.length, obs: count('awaiting_observation'), interview: count('awaiting_interview'), done: count('decided') })}
          </Typography.Text>
        )}
      </Space>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Table<FollowUp>
        rowKey="id"
        size="small"
        loading={loading}
        columns={columns}
        dataSource={items}
        scroll={{ x: seesLevels ? 1100 : 700 }}
        pagination={items.length > 50 ? { pageSize: 50, showTotal: (total) => t('common.total', { total }) } : false}
        locale={{ emptyText: t('results.followUps.empty') }}
        data-testid="followups-table"
        onRow={(r) => ({ 'data-testid': `followup-row-${r.studentId}` }) as React.HTMLAttributes<HTMLElement>}
      />
      {editing?.kind === 'observation' && (
        <ObservationModal
          row={editing.row}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            reload();
          }}
        />
      )}
      {editing?.kind === 'interview' && (
        <InterviewModal
          row={editing.row}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            reload();
          }}
        />
      )}
    </Space>
  );
}
