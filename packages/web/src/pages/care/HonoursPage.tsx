import { useState } from 'react';
import { Alert as AntAlert, App, Button, Card, Empty, Input, Modal, Radio, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { quarterOf } from '@xinyu/core';
import { api } from '../../api/client';
import type { DiaryNomination, Honour, HonourCandidate, HonourRoll, Items, NominableEntry } from '../../api/types';
import { useCan, useMe } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { useSendOnce } from '../../app/useSendOnce';
import { useQueryState } from '../../app/useQueryState';
import { ErrorBox } from '../../components/ErrorBox';
import { fmt } from '../warning/shared';
import { unitsWith } from './schools';

const TOPICS = ['study', 'relationships', 'family', 'social', 'wishes', 'plan'] as const;
const thisYear = () => new Date().getFullYear();
const STATUS_COLOR: Record<string, string> = { nominated: 'gold', selected: 'green', approved: 'green', not_selected: 'default', declined: 'default' };

function Figures({ f }: { f: Honour['figures'] }) {
  const { t } = useTranslation();
  return <Typography.Text type="secondary">{t('care.honours.figures', { students: f.studentsCared, entries: f.diaryEntries, closures: f.closures })}</Typography.Text>;
}

/** A de-identified diary entry as the bureau and the published list show it. */
function DiaryText({ d }: { d: Pick<DiaryNomination, 'kind' | 'entryDate' | 'fields' | 'note' | 'recommendation' | 'schoolName' | 'authorName' | 'quarter'> }) {
  const { t } = useTranslation();
  return (
    <div>
      <Space size={6} wrap>
        <Tag>{d.quarter}</Tag>
        <strong>{t('care.honours.by', { school: d.schoolName, author: d.authorName })}</strong>
        <Typography.Text type="secondary">
          {t(`care.kind.${d.kind}`)} · {d.entryDate}
        </Typography.Text>
      </Space>
      <div className="xy-break" style={{ margin: '6px 0' }}>{d.note}</div>
      {TOPICS.filter((k) => d.fields[k]).map((k) => (
        <div key={k} className="xy-break" style={{ fontSize: 13 }}>
          <Typography.Text type="secondary">{t(`care.form.${k}`)}：</Typography.Text>
          {d.fields[k]}
        </div>
      ))}
      <div className="xy-break" style={{ fontSize: 13, color: '#595959', marginTop: 4 }}>
        {t('care.honours.recommendation')}：{d.recommendation}
      </div>
    </div>
  );
}

/** One text asked for, then posted: a recommendation, a summary or a review note. */
function TextModal({ title, label, required, url, body, onClose, onDone }: { title: string; label: string; required: boolean; url: string; body: (text: string) => unknown; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const { busy, problem, send } = useSendOnce();
  function submit() {
    if (required && !text.trim()) return;
    void send(async () => {
      await api.post(url, body(text.trim()));
      onDone();
    });
  }
  return (
    <Modal open title={title} onCancel={onClose} onOk={submit} okButtonProps={{ disabled: required && !text.trim(), 'data-testid': 'honours-text-submit' } as never} confirmLoading={busy} okText={t('care.form.submit')} cancelText={t('care.form.cancel')} destroyOnHidden>
      <Typography.Text>{label}</Typography.Text>
      <Input.TextArea value={text} onChange={(e) => setText(e.target.value)} maxLength={2000} autoSize={{ minRows: 3, maxRows: 8 }} style={{ marginTop: 6 }} data-testid="honours-text" />
      {problem && <AntAlert type="error" showIcon title={problem} style={{ marginTop: 8 }} />}
    </Modal>
  );
}

type Ask = { title: string; label: string; required: boolean; url: string; body: (text: string) => unknown };

function YearPicker({ year, onChange }: { year: number; onChange: (y: number) => void }) {
  const { t } = useTranslation();
  const y = thisYear();
  return <Select value={year} onChange={onChange} style={{ width: 120 }} options={[y, y - 1, y - 2].map((v) => ({ value: v, label: t('care.honours.year', { year: v }) }))} aria-label="year" />;
}

/** 公示名单: the region's approved 爱心教师 and selected excellent diaries of a year. */
function RollTab({ year }: { year: number }) {
  const { t } = useTranslation();
  const { data, error, reload } = useAsync((signal) => api.get<HonourRoll>('/care/honours/roll', { year }, { signal }), [year]);
  if (error !== undefined) return <ErrorBox error={error} onRetry={reload} />;
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="honours-roll">
      <Typography.Title level={5} style={{ margin: 0 }}>
        {t('care.honours.teachers')}
      </Typography.Title>
      {data?.teachers.length === 0 && <Empty description={t('care.honours.teachersEmpty')} image={Empty.PRESENTED_IMAGE_SIMPLE} />}
      {data?.teachers.map((h, i) => (
        <Card key={i} size="small" data-testid="honours-roll-teacher">
          <Space size={6} wrap>
            <strong>{h.teacherName}</strong>
            <Typography.Text type="secondary">{h.schoolName}</Typography.Text>
            <Figures f={h.figures} />
          </Space>
          <div className="xy-break" style={{ marginTop: 4 }}>{h.summary}</div>
        </Card>
      ))}
      <Typography.Title level={5} style={{ margin: 0 }}>
        {t('care.honours.diaries')}
      </Typography.Title>
      {data?.diaries.length === 0 && <Empty description={t('care.honours.diariesEmpty')} image={Empty.PRESENTED_IMAGE_SIMPLE} />}
      {data?.diaries.map((d) => (
        <Card key={d.id} size="small" data-testid="honours-roll-diary">
          <DiaryText d={d} />
        </Card>
      ))}
    </Space>
  );
}

/** 学校推荐: this quarter's diary entries to nominate, the year's care teachers with their figures, and what was nominated. */
function SchoolTab({ schoolId, year, ask }: { schoolId: number; year: number; ask: (a: Ask) => void }) {
  const { t } = useTranslation();
  const entries = useAsync((signal) => api.get<Items<NominableEntry>>('/care/nominations/entries', { schoolId }, { signal }), [schoolId]);
  const candidates = useAsync((signal) => api.get<Items<HonourCandidate>>('/care/honours/candidates', { schoolId, year }, { signal }), [schoolId, year]);
  const noms = useAsync((signal) => api.get<Items<DiaryNomination>>('/care/nominations', {}, { signal }), []);
  const honours = useAsync((signal) => api.get<Items<Honour>>('/care/honours', { year }, { signal }), [year]);
  const quarter = quarterOf(new Date().toISOString().slice(0, 10));
  const eCols: ColumnsType<NominableEntry> = [
    { title: t('care.honours.col.date'), dataIndex: 'date', width: 110 },
    { title: t('care.honours.col.student'), dataIndex: 'studentName', width: 100 },
    { title: t('care.honours.col.author'), dataIndex: 'authorName', width: 100 },
    { title: t('care.honours.col.kind'), dataIndex: 'kind', width: 100, render: (k: NominableEntry['kind']) => t(`care.kind.${k}`) },
    { title: t('care.honours.col.note'), dataIndex: 'note', ellipsis: true },
    {
      title: '',
      key: 'a',
      width: 100,
      render: (_, e) =>
        e.nominated ? (
          <Tag color="green">{t('care.honours.nominated')}</Tag>
        ) : (
          <Button size="small" type="primary" data-testid={`nominate-entry-${e.id}`} onClick={() => ask({ title: `${t('care.honours.nominate')} · ${e.date}`, label: `${t('care.honours.recommendation')}（${t('care.honours.deidentified')}）`, required: true, url: '/care/nominations', body: (text) => ({ diaryEntryId: e.id, recommendation: text }) })}>
            {t('care.honours.nominate')}
          </Button>
        ),
    },
  ];
  const cCols: ColumnsType<HonourCandidate> = [
    { title: t('care.honours.col.teacher'), dataIndex: 'name' },
    { title: '', key: 'f', render: (_, c) => <Figures f={c.figures} /> },
    {
      title: '',
      key: 'a',
      width: 100,
      render: (_, c) =>
        c.nominated ? (
          <Tag color="green">{t('care.honours.nominated')}</Tag>
        ) : (
          <Button size="small" type="primary" data-testid={`nominate-teacher-${c.accountId}`} onClick={() => ask({ title: `${t('care.honours.candidates')} · ${c.name}`, label: t('care.honours.summary'), required: true, url: '/care/honours', body: (text) => ({ schoolId, accountId: c.accountId, year, summary: text }) })}>
            {t('care.honours.nominate')}
          </Button>
        ),
    },
  ];
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="honours-school">
      <Card size="small" title={t('care.honours.entries', { quarter })} extra={<Typography.Text type="secondary">{t('care.honours.deidentified')}</Typography.Text>}>
        {entries.error !== undefined && <ErrorBox error={entries.error} onRetry={entries.reload} />}
        <Table<NominableEntry> rowKey="id" size="small" loading={entries.loading} columns={eCols} dataSource={entries.data?.items ?? []} pagination={{ pageSize: 10, hideOnSinglePage: true }} locale={{ emptyText: <Empty description={t('care.honours.entriesEmpty')} image={Empty.PRESENTED_IMAGE_SIMPLE} /> }} />
      </Card>
      <Card size="small" title={t('care.honours.candidates')}>
        {candidates.error !== undefined && <ErrorBox error={candidates.error} onRetry={candidates.reload} />}
        <Table<HonourCandidate> rowKey="accountId" size="small" loading={candidates.loading} columns={cCols} dataSource={candidates.data?.items ?? []} pagination={false} locale={{ emptyText: <Empty description={t('care.honours.candidatesEmpty')} image={Empty.PRESENTED_IMAGE_SIMPLE} /> }} />
      </Card>
      <Card size="small" title={t('care.honours.mine')}>
        <Space orientation="vertical" style={{ width: '100%' }}>
          {honours.data?.items.map((h) => (
            <div key={h.id}>
              <Space size={6} wrap>
                <strong>{h.teacherName}</strong>
                <Tag color={STATUS_COLOR[h.status]}>{t(`care.honours.status.${h.status}`)}</Tag>
                <Figures f={h.figures} />
                {h.reviewNote && <Typography.Text type="secondary">{h.reviewNote}</Typography.Text>}
              </Space>
            </div>
          ))}
          {noms.data?.items.map((n) => (
            <div key={n.id}>
              <Space size={6} wrap>
                <Tag>{n.quarter}</Tag>
                <span>{n.authorName} · {n.entryDate}</span>
                <Tag color={STATUS_COLOR[n.status]}>{t(`care.honours.status.${n.status}`)}</Tag>
                {n.reviewNote && <Typography.Text type="secondary">{n.reviewNote}</Typography.Text>}
              </Space>
            </div>
          ))}
        </Space>
      </Card>
    </Space>
  );
}

/** 教育局评审: nominated diaries (de-identified) and 爱心教师 nominations of the bureau's schools. */
function ReviewTab({ year, ask }: { year: number; ask: (a: Ask) => void }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<'nominated' | 'all'>('nominated');
  const noms = useAsync((signal) => api.get<Items<DiaryNomination>>('/care/nominations', { status }, { signal }), [status]);
  const honours = useAsync((signal) => api.get<Items<Honour>>('/care/honours', { year, status }, { signal }), [year, status]);
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="honours-review">
      <Radio.Group value={status} onChange={(e) => setStatus(e.target.value === 'all' ? 'all' : 'nominated')} optionType="button" options={[{ value: 'nominated', label: t('care.honours.status.nominated') }, { value: 'all', label: t('care.honours.all') }]} />
      <Typography.Title level={5} style={{ margin: 0 }}>
        {t('care.honours.reviewDiaries')}
      </Typography.Title>
      {noms.error !== undefined && <ErrorBox error={noms.error} onRetry={noms.reload} />}
      {noms.data?.items.length === 0 && <Empty description={t('care.honours.nothing')} image={Empty.PRESENTED_IMAGE_SIMPLE} />}
      {noms.data?.items.map((n) => (
        <Card key={n.id} size="small" data-testid={`review-diary-${n.id}`}>
          <DiaryText d={n} />
          <Space size={8} style={{ marginTop: 8 }} wrap>
            <Tag color={STATUS_COLOR[n.status]}>{t(`care.honours.status.${n.status}`)}</Tag>
            {n.status === 'nominated' ? (
              <>
                <Button size="small" type="primary" data-testid="review-select" onClick={() => ask({ title: t('care.honours.select'), label: t('care.honours.reviewNote'), required: false, url: `/care/nominations/${n.id}/review`, body: (note) => ({ decision: 'select', note }) })}>
                  {t('care.honours.select')}
                </Button>
                <Button size="small" onClick={() => ask({ title: t('care.honours.notSelect'), label: t('care.honours.reviewNoteRequired'), required: true, url: `/care/nominations/${n.id}/review`, body: (note) => ({ decision: 'not_select', note }) })}>
                  {t('care.honours.notSelect')}
                </Button>
              </>
            ) : (
              <Typography.Text type="secondary">{n.reviewedByName} {n.reviewNote ?? ''}</Typography.Text>
            )}
          </Space>
        </Card>
      ))}
      <Typography.Title level={5} style={{ margin: 0 }}>
        {t('care.honours.reviewTeachers')}
      </Typography.Title>
      {honours.error !== undefined && <ErrorBox error={honours.error} onRetry={honours.reload} />}
      {honours.data?.items.length === 0 && <Empty description={t('care.honours.nothing')} image={Empty.PRESENTED_IMAGE_SIMPLE} />}
      {honours.data?.items.map((h) => (
        <Card key={h.id} size="small" data-testid={`review-teacher-${h.id}`}>
          <Space size={6} wrap>
            <strong>{h.teacherName}</strong>
            <Typography.Text type="secondary">{h.schoolName} · {h.year}</Typography.Text>
            <Figures f={h.figures} />
            <Tag color={STATUS_COLOR[h.status]}>{t(`care.honours.status.${h.status}`)}</Tag>
          </Space>
          <div className="xy-break" style={{ margin: '4px 0' }}>{h.summary}</div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {h.nominatedByName} · {fmt(h.nominatedAt)}
          </Typography.Text>
          {h.status === 'nominated' && (
            <Space size={8} style={{ display: 'flex', marginTop: 6 }}>
              <Button size="small" type="primary" data-testid="review-approve" onClick={() => ask({ title: t('care.honours.approve'), label: t('care.honours.reviewNote'), required: false, url: `/care/honours/${h.id}/review`, body: (note) => ({ decision: 'approve', note }) })}>
                {t('care.honours.approve')}
              </Button>
              <Button size="small" onClick={() => ask({ title: t('care.honours.decline'), label: t('care.honours.reviewNoteRequired'), required: true, url: `/care/honours/${h.id}/review`, body: (note) => ({ decision: 'decline', note }) })}>
                {t('care.honours.decline')}
              </Button>
            </Space>
          )}
        </Card>
      ))}
    </Space>
  );
}

/** 优秀成长日记与爱心教师: the published lists, the school's nominations, the bureau's review. */
export default function HonoursPage() {
  const { t } = useTranslation();
  const can = useCan();
  const me = useMe();
  const { message } = App.useApp();
  const schools = unitsWith(me, 'care.nominate');
  const [q, setQ] = useQueryState(['tab', 'year', 'schoolId'] as const);
  const year = Number(q.year ?? thisYear()) || thisYear();
  const schoolId = Number(q.schoolId ?? schools[0]?.id ?? 0);
  const [ask, setAsk] = useState<Ask | null>(null);
  const [round, setRound] = useState(0);
  const tabs = [
    ...(can('care.honours') ? [{ key: 'roll', label: t('care.honours.tabRoll'), children: <RollTab key={round} year={year} /> }] : []),
    ...(can('care.nominate') && schoolId ? [{ key: 'school', label: t('care.honours.tabSchool'), children: <SchoolTab key={round} schoolId={schoolId} year={year} ask={setAsk} /> }] : []),
    ...(can('care.select') ? [{ key: 'review', label: t('care.honours.tabReview'), children: <ReviewTab key={round} year={year} ask={setAsk} /> }] : []),
  ];
  const active = tabs.some((x) => x.key === q.tab) ? q.tab : tabs[0]?.key;
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="honours-page">
      <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('care.honours.title')}
        </Typography.Title>
        <Space wrap>
          {active === 'school' && schools.length > 1 && <Select value={schoolId} onChange={(v: number) => setQ({ schoolId: v })} options={schools.map((s) => ({ value: s.id, label: s.name }))} style={{ minWidth: 200 }} />}
          <YearPicker year={year} onChange={(v) => setQ({ year: v === thisYear() ? null : v })} />
        </Space>
      </Space>
      <Tabs activeKey={active} onChange={(k) => setQ({ tab: k })} items={tabs} />
      {ask && (
        <TextModal
          {...ask}
          onClose={() => setAsk(null)}
          onDone={() => {
            setAsk(null);
            void message.success(t('care.saved'));
            setRound((r) => r + 1);
          }}
        />
      )}
    </Space>
  );
}
