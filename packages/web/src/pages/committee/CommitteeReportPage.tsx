import { useMemo, useState } from 'react';
import { Alert, Button, Input, Segmented, Space, Tag } from 'antd';
import { CheckCircleFilled, CloseOutlined, SmileOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { COMMITTEE_CATEGORY_CODES, type CommitteeCategory } from '@xinyu/core';
import { api } from '../../api/client';
import type { CommitteeReport, CommitteeReportBody, CommitteeSubmitResult, MyCommittee } from '../../api/types';
import { useAsync } from '../../app/useAsync';
import { useSendOnce } from '../../app/useSendOnce';
import { uuid } from '../../app/uuid';
import { ErrorBox } from '../../components/ErrorBox';
import { Loading } from '../../components/Loading';
import { fmt } from '../warning/shared';
import '../self/screening/screening.css';

interface Draft {
  category: CommitteeCategory | undefined;
  observation: string;
}

/** A class or a dormitory the member reports on, with the names they may pick from. */
interface Group {
  key: string;
  dorm: boolean;
  id: number;
  label: string;
  mates: { id: string; name: string }[];
  today: CommitteeReport | null;
}

/** One report, as the member sees it: all well, or the classmates named with what was noticed. */
export function ReportCard({ r, testId, unit }: { r: CommitteeReport; testId?: string; unit?: string }) {
  const { t } = useTranslation();
  return (
    <div className="xy-ans-card" data-testid={testId} data-status={r.status}>
      <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8, flexWrap: 'wrap' }}>
        <strong>
          {r.date}
          {unit && <span className="xy-ans-note" style={{ fontWeight: 400, marginInlineStart: 8 }}>{unit}</span>}
        </strong>
        <Tag color={r.status === 'all_well' ? 'green' : 'orange'} style={{ marginInlineEnd: 0 }}>
          {t(`committee.status.${r.status}`)}
        </Tag>
      </div>
      {r.concerns.map((c) => (
        <div key={c.studentId} style={{ marginTop: 6 }}>
          <span style={{ fontWeight: 500 }}>{c.name}</span>：{t(`committee.categories.${c.category as CommitteeCategory}`, { defaultValue: c.category })}
          {c.observation && <div className="xy-ans-note xy-break">{c.observation}</div>}
        </div>
      ))}
      <div className="xy-ans-note" style={{ fontSize: 13, marginTop: 4 }}>
        {t('committee.submittedAt', { at: fmt(r.submittedAt) })}
      </div>
    </div>
  );
}

/**
 * 心理委员日报 on a phone: one tap when all is well, or a few classmates each with what was noticed.
 * One client id per draft (a double tap or a retry stores the report once); a new report the same
 * day replaces the earlier one, which the page says before it is sent.
 */
export default function CommitteeReportPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { data, error, loading, reload } = useAsync((signal) => api.get<MyCommittee>('/my/committee', undefined, { signal }), []);
  const [classIdx, setClassIdx] = useState(0);
  const [editing, setEditing] = useState(false);
  const [q, setQ] = useState('');
  const [picked, setPicked] = useState<Record<string, Draft>>({});
  const [order, setOrder] = useState<string[]>([]);
  const [clientId, setClientId] = useState(uuid);
  const { busy, problem, setProblem, send: sendOnce } = useSendOnce();
  const [missing, setMissing] = useState(false);
  const [sent, setSent] = useState<CommitteeSubmitResult | null>(null);

  // the member's classes, then their dormitories (宿舍心理委员): each reported on separately
  const groups = useMemo<Group[]>(
    () => [
      ...(data?.classes ?? []).map((c) => ({ key: `c${c.classId}`, dorm: false, id: c.classId, label: c.className, mates: c.classmates, today: c.today })),
      ...(data?.dormitories ?? []).map((d) => ({ key: `d${d.dormitoryId}`, dorm: true, id: d.dormitoryId, label: t('committee.dormLabel', { name: d.name }), mates: d.dormMates, today: d.today })),
    ],
    [data, t],
  );
  const cls = groups[classIdx] ?? groups[0];
  const names = useMemo(() => new Map(cls?.mates.map((m) => [m.id, m.name]) ?? []), [cls]);
  const shown = useMemo(() => {
    const s = q.trim();
    return (cls?.mates ?? []).filter((m) => !s || m.name.includes(s));
  }, [cls, q]);

  if (loading && !data) return <Loading />;
  if (error !== undefined) return <ErrorBox error={error} onRetry={reload} />;
  if (!data) return null;

  function toggle(id: string) {
    if (picked[id]) {
      setPicked(Object.fromEntries(Object.entries(picked).filter(([k]) => k !== id)));
      setOrder(order.filter((x) => x !== id));
    } else {
      setPicked({ ...picked, [id]: { category: undefined, observation: '' } });
      setOrder([...order, id]);
    }
  }

  async function send(status: 'all_well' | 'concerns') {
    if (busy || !cls) return;
    if (status === 'concerns' && (order.length === 0 || order.some((id) => !picked[id]?.category))) {
      setMissing(true);
      return;
    }
    await sendOnce(async () => {
      const body: CommitteeReportBody = {
        ...(cls.dorm ? { dormitoryId: cls.id } : { classId: cls.id }),
        status,
        concerns: status === 'all_well' ? [] : order.map((id) => ({ studentId: id, category: picked[id]!.category!, observation: picked[id]!.observation.trim() })),
        clientId,
      };
      const res = await api.post<CommitteeSubmitResult>('/my/committee/reports', body);
      setSent(res);
      setPicked({});
      setOrder([]);
      setQ('');
      setMissing(false);
      setEditing(false);
      setClientId(uuid());
      reload();
    });
  }

  if (sent) {
    return (
      <div className="xy-ans" data-testid="committee-page">
        <Space orientation="vertical" size={12} style={{ width: '100%' }}>
          <div className="xy-ans-card" style={{ textAlign: 'center' }} data-testid="committee-sent">
            <CheckCircleFilled style={{ color: '#52c41a', fontSize: 44 }} />
            <h2 style={{ margin: '12px 0 8px' }}>{t('committee.sentTitle')}</h2>
            <p style={{ margin: 0 }}>{t('committee.sentBody')}</p>
          </div>
          <ReportCard r={sent.report} testId="committee-sent-report" />
          <Button type="primary" block size="large" style={{ height: 48 }} onClick={() => void navigate('/m')} data-testid="committee-home">
            {t('warning.report.backHome')}
          </Button>
          <Button block style={{ height: 44 }} onClick={() => setSent(null)} data-testid="committee-back">
            {t('committee.againToday')}
          </Button>
        </Space>
      </div>
    );
  }

  const today = cls?.today ?? null;
  const showForm = !!cls && (!today || editing);

  return (
    <div className="xy-ans" data-testid="committee-page">
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        <div className="xy-ans-card">
          <h2>{t('committee.title')}</h2>
          <p className="xy-ans-note" style={{ margin: 0 }}>
            {data.today} · {t(cls?.dorm ? 'committee.dormIntro' : 'committee.intro')}
          </p>
        </div>
        {!data.schoolDay && <Alert type="success" showIcon icon={<SmileOutlined />} title={t('committee.notSchoolDay')} data-testid="committee-not-school-day" />}
        {!cls && <Alert type="info" showIcon title={t('committee.noClass')} data-testid="committee-no-class" />}
        {groups.length > 1 && (
          <Segmented
            block
            value={classIdx}
            onChange={(v) => {
              // names picked in one class or dormitory do not belong to the other
              setClassIdx(Number(v));
              setPicked({});
              setOrder([]);
              setQ('');
              setMissing(false);
              setEditing(false);
              setProblem(null);
            }}
            options={groups.map((g, i) => ({ value: i, label: <span data-testid={`committee-group-${g.key}`}>{g.label}</span> }))}
            data-testid="committee-groups"
          />
        )}
        {today && (
          <>
            <div style={{ fontWeight: 500 }}>{t('committee.todayReport')}</div>
            <ReportCard r={today} testId="committee-today" />
            {!editing && (
              <Button block style={{ height: 44 }} onClick={() => setEditing(true)} data-testid="committee-edit">
                {t('committee.againToday')}
              </Button>
            )}
          </>
        )}
        {showForm && (
          <>
            {today && <Alert type="warning" showIcon title={t('committee.replaceNote')} data-testid="committee-replace-note" />}
            <Button
              type="primary"
              block
              size="large"
              icon={<CheckCircleFilled />}
              style={{ height: 56, fontSize: 18, background: '#52c41a' }}
              loading={busy}
              disabled={busy}
              onClick={() => void send('all_well')}
              data-testid="committee-all-well"
            >
              {t('committee.allWell')}
            </Button>
            <div className="xy-ans-card" data-testid="committee-concerns">
              <div style={{ fontWeight: 500, marginBottom: 4 }}>{t('committee.orConcern')}</div>
              <div className="xy-ans-note" style={{ marginBottom: 8 }}>
                {t(cls?.dorm ? 'committee.dormPickHint' : 'committee.pickHint')}
              </div>
              <Input.Search allowClear value={q} onChange={(e) => setQ(e.target.value)} placeholder={t(cls?.dorm ? 'committee.dormSearch' : 'committee.search')} style={{ marginBottom: 8 }} data-testid="committee-search" />
              <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8, maxHeight: 220, overflowY: 'auto' }} data-testid="committee-mates">
                {shown.map((m) => (
                  <Tag.CheckableTag
                    key={m.id}
                    checked={!!picked[m.id]}
                    onChange={() => toggle(m.id)}
                    style={{ fontSize: 15, padding: '6px 12px', border: '1px solid #d9d9d9', marginInlineEnd: 0 }}
                    data-testid={`committee-mate-${m.id}`}
                  >
                    {m.name}
                  </Tag.CheckableTag>
                ))}
                {shown.length === 0 && <span className="xy-ans-note">{t(cls?.dorm ? 'committee.dormNoneFound' : 'committee.noneFound')}</span>}
              </div>
            </div>
            {order.map((id) => {
              const d = picked[id]!;
              return (
                <div key={id} className="xy-ans-card" data-testid={`committee-concern-${id}`}>
                  <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginBottom: 8 }}>
                    <strong style={{ fontSize: 16 }}>{names.get(id)}</strong>
                    <Button type="text" size="small" icon={<CloseOutlined />} onClick={() => toggle(id)} aria-label={t('committee.remove')} data-testid={`committee-remove-${id}`} />
                  </div>
                  <div style={{ fontWeight: 500, marginBottom: 6 }}>{t('committee.category')}</div>
                  <fieldset className="xy-ans-options">
                    {COMMITTEE_CATEGORY_CODES.map((c) => (
                      <label key={c} className="xy-ans-option" data-checked={d.category === c} data-testid={`committee-cat-${id}-${c}`}>
                        <input type="radio" name={`cat-${id}`} checked={d.category === c} onChange={() => setPicked({ ...picked, [id]: { ...d, category: c } })} disabled={busy} />
                        <span>{t(`committee.categories.${c}`)}</span>
                      </label>
                    ))}
                  </fieldset>
                  {missing && !d.category && <div style={{ color: '#cf1322', fontSize: 14, marginTop: 6 }}>{t('committee.chooseCategory')}</div>}
                  <Input.TextArea
                    value={d.observation}
                    onChange={(e) => setPicked({ ...picked, [id]: { ...d, observation: e.target.value } })}
                    placeholder={t('committee.observationPlaceholder')}
                    aria-label={t('committee.observation')}
                    maxLength={500}
                    autoSize={{ minRows: 2, maxRows: 5 }}
                    style={{ marginTop: 8, fontSize: 16 }}
                    disabled={busy}
                    data-testid={`committee-obs-${id}`}
                  />
                </div>
              );
            })}
            {missing && order.length === 0 && <div style={{ color: '#cf1322', fontSize: 14 }}>{t(cls?.dorm ? 'committee.dormPickHint' : 'committee.pickHint')}</div>}
            {problem && <Alert type="error" showIcon title={problem} data-testid="committee-error" />}
            {order.length > 0 && (
              <Button type="primary" block size="large" style={{ height: 48 }} loading={busy} disabled={busy} onClick={() => void send('concerns')} data-testid="committee-submit">
                {t('committee.submit')} · {t('committee.picked', { count: order.length })}
              </Button>
            )}
            <div className="xy-ans-note">{t('committee.emergency')}</div>
          </>
        )}
        <div style={{ fontWeight: 500, marginTop: 4 }}>{t('committee.recent')}</div>
        <div data-testid="committee-recent">
          <Space orientation="vertical" size={8} style={{ width: '100%' }}>
            {data.recent.filter((r) => r.id !== today?.id).length === 0 && <div className="xy-ans-note">{t('committee.noRecent')}</div>}
            {data.recent
              .filter((r) => r.id !== today?.id)
              .slice(0, 10)
              .map((r) => (
                // a member of a class and a dormitory: which one this report was about
                <ReportCard key={r.id} r={r} unit={groups.length > 1 ? groups.find((g) => (g.dorm ? g.id === r.dormitoryId : g.id === r.classId))?.label : undefined} />
              ))}
          </Space>
        </div>
      </Space>
    </div>
  );
}
