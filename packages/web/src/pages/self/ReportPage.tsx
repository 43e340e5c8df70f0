import { useMemo, useState } from 'react';
import { Alert, Button, Input, Space, Tag } from 'antd';
import { CheckCircleFilled } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { api } from '../../api/client';
import type { AlertLevel, RaiseAlertBody, RaiseAlertResult } from '../../api/types';
import { hasRole, useMe } from '../../app/session';
import { useSendOnce } from '../../app/useSendOnce';
import { uuid } from '../../app/uuid';
import { CATEGORY_KEYS, categoryValue, LEVELS_MILD_FIRST } from '../warning/shared';
import './screening/screening.css';

/**
 * 反映孩子情况: a parent (or a care teacher, about a student in their care) tells the school what
 * they noticed. The level is chosen in plain words; the answer says only that the school has it.
 * One client id per report, reused on a retry; the button is held while sending.
 */
export default function ReportPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const me = useMe();
  const parent = hasRole(me, 'parent');
  const children = useMemo(() => {
    const seen = new Map<string, string>();
    for (const r of me.roles) if ((r.role === 'parent' || r.role === 'care_teacher') && r.studentId) seen.set(r.studentId, r.studentName ?? '');
    return [...seen.entries()].map(([id, name]) => ({ id, name }));
  }, [me]);
  const [studentId, setStudentId] = useState<string | undefined>(children.length === 1 ? children[0]!.id : undefined);
  const [level, setLevel] = useState<AlertLevel | undefined>();
  const [category, setCategory] = useState<string | undefined>();
  const [description, setDescription] = useState('');
  const [clientId, setClientId] = useState(uuid);
  const [missing, setMissing] = useState(false);
  const [sent, setSent] = useState(false);
  const { busy, problem, send: sendOnce } = useSendOnce();

  async function send() {
    if (busy) return;
    if (!studentId || !level || !description.trim()) {
      setMissing(true);
      return;
    }
    await sendOnce(async () => {
      const body: RaiseAlertBody = { studentId, level, description: description.trim(), clientId, ...(category ? { category } : {}) };
      await api.post<RaiseAlertResult>('/alerts', body);
      setSent(true);
    });
  }

  function again() {
    setLevel(undefined);
    setCategory(undefined);
    setDescription('');
    setMissing(false);
    setClientId(uuid());
    setSent(false);
  }

  const title = parent ? t('warning.report.titleParent') : t('warning.report.titleStaff');

  if (sent) {
    return (
      <div className="xy-ans" data-testid="report-page">
        <Space orientation="vertical" size={12} style={{ width: '100%' }}>
          <div className="xy-ans-card" style={{ textAlign: 'center' }} data-testid="report-sent">
            <CheckCircleFilled style={{ color: '#52c41a', fontSize: 44 }} />
            <h2 style={{ margin: '12px 0 8px' }}>{t('warning.report.sentTitle')}</h2>
            <p style={{ margin: 0, fontSize: 16 }}>{t('warning.report.sentBody')}</p>
          </div>
          <div className="xy-ans-card xy-ans-note">{t('warning.report.emergency')}</div>
          <Button type="primary" block size="large" style={{ height: 48 }} onClick={() => void navigate('/m')} data-testid="report-home">
            {t('warning.report.backHome')}
          </Button>
          <Button block style={{ height: 44 }} onClick={again} data-testid="report-again">
            {t('warning.report.again')}
          </Button>
        </Space>
      </div>
    );
  }

  const error = (show: boolean) => (missing && show ? <div style={{ color: '#cf1322', fontSize: 14, marginTop: 6 }}>{t('warning.form.required')}</div> : null);

  return (
    <div className="xy-ans" data-testid="report-page">
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        <div className="xy-ans-card">
          <h2>{title}</h2>
          <p className="xy-ans-note" style={{ margin: 0 }}>
            {parent ? t('warning.report.intro') : t('warning.report.introStaff')}
          </p>
        </div>
        {children.length === 0 ? (
          <Alert type="info" showIcon title={t('warning.report.noChild')} data-testid="report-no-child" />
        ) : (
          <>
            <div className="xy-ans-card">
              <div style={{ fontWeight: 500, marginBottom: 8 }}>{parent ? t('warning.report.child') : t('warning.report.student')}</div>
              {children.length === 1 ? (
                <div style={{ fontSize: 16 }} data-testid="report-child">
                  {children[0]!.name}
                </div>
              ) : (
                <fieldset className="xy-ans-options" data-testid="report-children">
                  {children.map((c) => (
                    <label key={c.id} className="xy-ans-option" data-checked={studentId === c.id} data-testid={`report-child-${c.id}`}>
                      <input type="radio" name="report-child" checked={studentId === c.id} onChange={() => setStudentId(c.id)} disabled={busy} />
                      <span>{c.name}</span>
                    </label>
                  ))}
                </fieldset>
              )}
              {error(!studentId)}
            </div>
            <div className="xy-ans-card">
              <div style={{ fontWeight: 500, marginBottom: 8 }}>{t('warning.report.level')}</div>
              <fieldset className="xy-ans-options">
                {LEVELS_MILD_FIRST.map((l) => (
                  <label key={l} className="xy-ans-option" data-checked={level === l} data-testid={`report-level-${l}`}>
                    <input type="radio" name="report-level" checked={level === l} onChange={() => setLevel(l)} disabled={busy} />
                    <span>{t(`warning.report.levelPlain.${l}`)}</span>
                  </label>
                ))}
              </fieldset>
              {error(!level)}
            </div>
            <div className="xy-ans-card">
              <div style={{ fontWeight: 500, marginBottom: 8 }}>{t('warning.report.category')}</div>
              <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8 }}>
                {CATEGORY_KEYS.map((k) => {
                  const v = categoryValue(k);
                  return (
                    <Tag.CheckableTag
                      key={k}
                      checked={category === v}
                      onChange={(on) => setCategory(on ? v : undefined)}
                      style={{ fontSize: 15, padding: '4px 12px', border: '1px solid #d9d9d9', marginInlineEnd: 0 }}
                      data-testid={`report-category-${k}`}
                    >
                      {t(`warning.raise.categories.${k}`)}
                    </Tag.CheckableTag>
                  );
                })}
              </div>
            </div>
            <div className="xy-ans-card">
              <label htmlFor="report-description" style={{ display: 'block', fontWeight: 500, marginBottom: 8 }}>
                {t('warning.report.description')}
              </label>
              <Input.TextArea
                id="report-description"
                value={description}
                onChange={(e) => setDescription(e.target.value)}
                rows={5}
                maxLength={2000}
                showCount
                placeholder={parent ? t('warning.report.placeholder') : t('warning.report.placeholderStaff')}
                disabled={busy}
                style={{ fontSize: 16 }}
                data-testid="report-description"
              />
              {error(!description.trim())}
            </div>
            {problem && <Alert type="error" showIcon title={problem} data-testid="report-error" />}
            <Button type="primary" block size="large" style={{ height: 48 }} loading={busy} disabled={busy} onClick={() => void send()} data-testid="report-submit">
              {t('warning.report.submit')}
            </Button>
            <div className="xy-ans-note">{t('warning.report.emergency')}</div>
          </>
        )}
      </Space>
    </div>
  );
}
