import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Button, Progress, Result } from 'antd';
import { CheckOutlined, CloudSyncOutlined, LeftOutlined, WarningOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, ApiError, errorMessage } from '../../api/client';
import type { AnswerSheet, SubmitAck, SubmitBody } from '../../api/types';
import { useMe } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { ErrorBox } from '../../components/ErrorBox';
import { Loading } from '../../components/Loading';
import { firstMissing, keptAnswers, visibleItems, type Answers } from './screening/skipLogic';
import { sheetStore } from './screening/sheetStorage';
import { ThankYou } from './screening/ThankYou';
import { useAutosave, type SaveStatus } from './screening/useAutosave';
import './screening/screening.css';

/** 409 codes that end answering with the server's message. */
const REFUSALS = new Set(['consent_required', 'consent_refused', 'window_closed']);

function Refused({ message }: { message: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <Result
      status="info"
      title={t('answering.cannotAnswer')}
      subTitle={<span style={{ fontSize: 15 }}>{message}</span>}
      extra={
        <Button type="primary" size="large" onClick={() => void navigate('/m/screening')} data-testid="answer-back">
          {t('answering.backToTasks')}
        </Button>
      }
      data-testid="answer-refused"
    />
  );
}

function SaveIndicator({ status }: { status: SaveStatus }) {
  const { t } = useTranslation();
  const text = status === 'saving' ? t('answering.saving') : status === 'saved' ? t('answering.saved') : status === 'error' ? t('answering.saveFailed') : '';
  const icon = status === 'saved' ? <CheckOutlined /> : status === 'saving' ? <CloudSyncOutlined /> : status === 'error' ? <WarningOutlined /> : null;
  return (
    <span className="xy-ans-save" data-testid="autosave-status" data-status={status} aria-live="polite">
      {icon} {text}
    </span>
  );
}

type Phase = { kind: 'intro' } | { kind: 'items' } | { kind: 'done' } | { kind: 'refused'; message: string };
type SubmitState = { kind: 'idle' } | { kind: 'sending' } | { kind: 'network' } | { kind: 'failed'; message: string };

function Sheet({ sheet }: { sheet: AnswerSheet }) {
  const { t } = useTranslation();
  const me = useMe();
  const path = `/my/screenings/${sheet.campaignId}/${encodeURIComponent(sheet.key)}`;
  const store = useMemo(() => sheetStore(me.account.id, sheet.campaignId, sheet.key), [me.account.id, sheet.campaignId, sheet.key]);
  const items = sheet.items;

  const [answers, setAnswers] = useState<Answers>(() => keptAnswers(items, sheet.answers));
  // the saved start wins; otherwise the first time this browser opened the sheet
  const [startedAt] = useState(() => sheet.startedAt ?? store.openedAt());
  const resuming = Object.keys(sheet.answers).length > 0;
  const [phase, setPhase] = useState<Phase>(() => (sheet.status === 'submitted' ? { kind: 'done' } : resuming ? { kind: 'items' } : { kind: 'intro' }));
  const [currentId, setCurrentId] = useState<string | undefined>(() => {
    const shown = visibleItems(items, answers);
    return (shown.find((i) => answers[i.id] === undefined) ?? shown[shown.length - 1])?.id;
  });
  const [notice, setNotice] = useState<{ itemId: string; text: string } | null>(null);
  const [submitState, setSubmitState] = useState<SubmitState>({ kind: 'idle' });
  const sending = useRef(false);
  const questionRef = useRef<HTMLDivElement>(null);

  const onRefused = useCallback((e: ApiError) => {
    if (e.code === 'already_submitted') setPhase({ kind: 'done' });
    else setPhase({ kind: 'refused', message: e.message });
  }, []);
  const autosave = useAutosave({ path, startedAt, csrfToken: me.csrfToken, onRefused });

  const shown = useMemo(() => visibleItems(items, answers), [items, answers]);
  let index = shown.findIndex((i) => i.id === currentId);
  if (index < 0) index = Math.max(0, shown.findIndex((i) => answers[i.id] === undefined));
  const item = shown[index];
  const isLast = index === shown.length - 1;
  const answeredCount = shown.filter((i) => answers[i.id] !== undefined).length;

  const onDone = useCallback(() => store.clear(), [store]);

  useEffect(() => {
    if (phase.kind !== 'items') return;
    window.scrollTo({ top: 0 });
    questionRef.current?.focus({ preventScroll: true });
  }, [phase.kind, item?.id]);

  const stopSaving = autosave.stop;
  useEffect(() => {
    if (phase.kind === 'done' || phase.kind === 'refused') stopSaving();
  }, [phase.kind, stopSaving]);

  // computer-room keyboards: digits choose an option, Enter goes on (set below for the item screen)
  const onKey = useRef<((e: KeyboardEvent) => void) | null>(null);
  onKey.current = null;
  useEffect(() => {
    const h = (e: KeyboardEvent) => onKey.current?.(e);
    window.addEventListener('keydown', h);
    return () => window.removeEventListener('keydown', h);
  }, []);

  if (phase.kind === 'done') return <ThankYou title={sheet.title} onShown={onDone} />;
  if (phase.kind === 'refused') return <Refused message={phase.message} />;

  const top = (
    <div className="xy-ans-top">
      <Link to="/m/screening" aria-label={t('answering.backToTasks')} style={{ display: 'flex', alignItems: 'center', gap: 4, minWidth: 0, color: 'inherit' }}>
        <LeftOutlined />
        <span className="xy-ans-title">{sheet.title}</span>
      </Link>
      <SaveIndicator status={autosave.status} />
    </div>
  );

  if (phase.kind === 'intro' || !item) {
    return (
      <div className="xy-ans" data-testid="answer-intro">
        {top}
        <div className="xy-ans-card">
          <h2>{t('answering.instructions')}</h2>
          {sheet.instructions && (
            <p className="xy-ans-instructions" data-testid="answer-instructions">
              {sheet.instructions}
            </p>
          )}
          <p className="xy-ans-note" style={{ marginBottom: 0 }}>
            {t('answering.confidential')}
          </p>
          <div style={{ marginTop: 8 }} className="xy-ans-note">
            {t('answering.items', { count: shown.length })}
          </div>
        </div>
        <div className="xy-ans-actions">
          <Button type="primary" size="large" onClick={() => setPhase({ kind: 'items' })} disabled={!item} data-testid="answer-start">
            {resuming ? t('answering.resume') : t('answering.start')}
          </Button>
        </div>
        <div className="xy-ans-spacer" />
      </div>
    );
  }

  const choose = (value: string) => {
    const next = { ...answers, [item.id]: value };
    setAnswers(next);
    autosave.schedule(keptAnswers(items, next));
    if (notice?.itemId === item.id) setNotice(null);
    if (submitState.kind === 'failed') setSubmitState({ kind: 'idle' });
  };

  const go = (to: number) => {
    const target = shown[to];
    if (!target) return;
    setCurrentId(target.id);
    setNotice(null);
  };

  const positionOf = (id: string) => shown.findIndex((i) => i.id === id) + 1;

  const submit = async () => {
    if (sending.current) return;
    const kept = keptAnswers(items, answers);
    const missing = firstMissing(items, kept);
    if (missing) {
      setCurrentId(missing.id);
      setNotice({ itemId: missing.id, text: t('answering.unansweredBefore', { n: positionOf(missing.id) }) });
      return;
    }
    sending.current = true;
    setSubmitState({ kind: 'sending' });
    const left = autosave.stop();
    const body: SubmitBody = { clientId: store.clientId(), answers: kept, startedAt };
    try {
      await api.post<SubmitAck>(`${path}/submit`, body);
      setSubmitState({ kind: 'idle' });
      setPhase({ kind: 'done' });
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && e.code === 'already_submitted') {
        setPhase({ kind: 'done' });
      } else if (e instanceof ApiError && e.status === 409 && REFUSALS.has(e.code)) {
        setPhase({ kind: 'refused', message: e.message });
      } else {
        autosave.resume();
        if (left) autosave.schedule(left);
        if (e instanceof ApiError && e.status === 0) {
          setSubmitState({ kind: 'network' });
        } else if (e instanceof ApiError && e.status === 400 && e.fields) {
          setSubmitState({ kind: 'idle' });
          const named = Object.entries(e.fields)
            .filter(([k]) => k.startsWith('answers.'))
            .map(([k, message]) => ({ id: k.slice('answers.'.length), message }));
          const first = shown.find((i) => named.some((n) => n.id === i.id));
          const hit = first ? named.find((n) => n.id === first.id)! : undefined;
          if (first && hit) {
            setCurrentId(first.id);
            const n = positionOf(first.id);
            setNotice({ itemId: first.id, text: answers[first.id] === undefined ? t('answering.missingItem', { n }) : t('answering.invalidItem', { n, message: hit.message }) });
          } else {
            setSubmitState({ kind: 'failed', message: e.message });
          }
        } else {
          setSubmitState({ kind: 'failed', message: errorMessage(e) });
        }
      }
    } finally {
      sending.current = false;
    }
  };

  const answered = answers[item.id] !== undefined;
  const canNext = answered || !item.required;
  const busy = submitState.kind === 'sending';

  onKey.current = (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey || busy || e.repeat) return;
    const el = e.target instanceof HTMLElement ? e.target : null;
    const typing = !!el && ((el instanceof HTMLInputElement && el.type !== 'radio') || el instanceof HTMLTextAreaElement || el.isContentEditable || el.getAttribute('role') === 'combobox');
    if (typing || document.querySelector('.ant-modal-wrap, .ant-select-dropdown:not(.ant-select-dropdown-hidden)')) return;
    const n = /^[1-9]$/.test(e.key) ? Number(e.key) : 0;
    const option = n ? item.options[n - 1] : undefined;
    if (option) {
      e.preventDefault();
      choose(option.value);
    } else if (e.key === 'Enter' && !(el instanceof HTMLButtonElement || el instanceof HTMLAnchorElement) && canNext) {
      e.preventDefault();
      if (isLast) void submit();
      else go(index + 1);
    }
  };

  return (
    <div className="xy-ans" data-testid="answer-page" data-item={item.id}>
      {top}
      <div className="xy-ans-progress" data-testid="answer-progress" data-n={index + 1} data-m={shown.length}>
        <span style={{ flex: 'none' }}>{t('answering.progress', { n: index + 1, m: shown.length })}</span>
        <Progress percent={Math.round((answeredCount / shown.length) * 100)} showInfo={false} size="small" />
      </div>
      {notice && <Alert type="warning" showIcon title={notice.text} style={{ marginBottom: 12 }} data-testid="answer-notice" />}
      <fieldset className="xy-ans-options" key={item.id} aria-labelledby={`q-${item.id}`}>
        <div id={`q-${item.id}`} className="xy-ans-question" ref={questionRef} tabIndex={-1} data-testid="answer-question">
          {item.text}
          {!item.required && <span className="xy-ans-note"> {t('answering.optional')}</span>}
        </div>
        {item.options.map((o) => {
          const checked = answers[item.id] === o.value;
          return (
            <label key={o.value} className="xy-ans-option" data-checked={checked} data-testid={`answer-option-${o.value}`}>
              <input type="radio" name={`item-${item.id}`} value={o.value} checked={checked} onChange={() => choose(o.value)} disabled={busy} />
              <span>{o.label}</span>
            </label>
          );
        })}
      </fieldset>
      {submitState.kind === 'network' && (
        <Alert
          type="error"
          showIcon
          style={{ marginTop: 16 }}
          title={t('answering.networkError')}
          action={
            <Button onClick={() => void submit()} data-testid="answer-retry">
              {t('answering.retry')}
            </Button>
          }
          data-testid="answer-network-error"
        />
      )}
      {submitState.kind === 'failed' && (
        <Alert
          type="error"
          showIcon
          style={{ marginTop: 16 }}
          title={t('answering.submitFailed', { message: submitState.message })}
          action={
            <Button onClick={() => void submit()} data-testid="answer-retry">
              {t('answering.retry')}
            </Button>
          }
          data-testid="answer-submit-error"
        />
      )}
      <div className="xy-ans-actions">
        <Button className="xy-ans-prev" size="large" onClick={() => (index > 0 ? go(index - 1) : setPhase({ kind: 'intro' }))} disabled={busy} data-testid="answer-prev">
          {index > 0 ? t('answering.prev') : t('answering.showInstructions')}
        </Button>
        {isLast ? (
          <Button type="primary" size="large" onClick={() => void submit()} loading={busy} disabled={busy || !canNext} data-testid="answer-submit">
            {busy ? t('answering.submitting') : t('answering.submit')}
          </Button>
        ) : (
          <Button type="primary" size="large" onClick={() => go(index + 1)} disabled={!canNext} data-testid="answer-next">
            {t('answering.next')}
          </Button>
        )}
      </div>
      <div className="xy-ans-spacer" />
    </div>
  );
}

export default function AnswerPage() {
  const { campaignId = '', key = '' } = useParams();
  const { i18n } = useTranslation();
  const locale = i18n.language === 'en-US' ? 'en-US' : 'zh-CN';
  const { data, error, reload } = useAsync(
    (signal) => api.get<AnswerSheet>(`/my/screenings/${encodeURIComponent(campaignId)}/${encodeURIComponent(key)}`, { locale }, { signal }),
    [campaignId, key, locale],
  );
  if (error !== undefined && !data) {
    if (error instanceof ApiError && error.status === 409) return <Refused message={error.message} />;
    return <ErrorBox error={error} onRetry={reload} />;
  }
  if (!data) return <Loading />;
  // keyed by sheet: a language switch reloads the texts and keeps the answers in progress
  return <Sheet key={`${data.campaignId}/${data.key}`} sheet={data} />;
}
