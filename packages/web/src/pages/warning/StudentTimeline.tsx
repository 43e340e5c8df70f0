import { useEffect, useRef } from 'react';
import { Card, Empty, Space, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router-dom';
import type { Timeline as TimelineData, TimelineEntry } from '../../api/boardTypes';
import { api } from '../../api/client';
import { useAsync } from '../../app/useAsync';
import { ErrorBox } from '../../components/ErrorBox';
import { Loading } from '../../components/Loading';
import { fmt, isLevel, isSource, LEVEL_COLOR } from './shared';

const KIND_COLOR: Record<TimelineEntry['kind'], string> = { screening: 'blue', alert: 'red', committee: 'cyan', sweep: 'purple', care: 'green', diary: 'gray', appointment: 'geekblue', session: 'lime', crisis: 'volcano', guardian: 'gold', referral: 'magenta', return: 'orange' };

/** The web's own routes for the links the timeline gives (screening reports, alerts, key students). */
const ROUTES = [/^\/screening\/responses\/[\w-]+$/, /^\/alerts\/[\w-]+$/, /^\/care\/[\w-]+$/, /^\/sessions\/[\w-]+$/, /^\/crisis\/[\w-]+$/, /^\/referrals\/[\w-]+$/, /^\/returns\/[\w-]+$/];

/** 一生一档: one student's record over time, only the kinds the caller may see (the server decides). */
export function StudentTimeline({ studentId }: { studentId: string }) {
  const { t } = useTranslation();
  const { hash } = useLocation();
  const ref = useRef<HTMLDivElement>(null);
  const { data, error, loading, reload } = useAsync((signal) => api.get<TimelineData>(`/students/${studentId}/timeline`, undefined, { signal }), [studentId]);
  const ready = data !== undefined;
  useEffect(() => {
    if (ready && hash === '#timeline') ref.current?.scrollIntoView({ block: 'start' });
  }, [ready, hash]);

  const detail = (e: TimelineEntry) =>
    // an alert's detail lists its sources by code
    e.kind === 'alert' ? e.detail.split('、').filter(Boolean).map((s) => (isSource(s) ? t(`warning.source.${s}`) : s)).join('、') : e.detail;

  return (
    <div ref={ref} id="timeline">
      <Card size="small" title={t('warning.timeline.title')} data-testid="student-timeline">
        <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
          {t('warning.timeline.hint')}
        </Typography.Paragraph>
        {loading && !data ? (
          <Loading />
        ) : error !== undefined || !data ? (
          <ErrorBox error={error} onRetry={reload} />
        ) : data.entries.length === 0 ? (
          <Empty description={t('warning.timeline.empty')} />
        ) : (
          <Timeline
            items={data.entries.map((e, i) => ({
              key: `${e.kind}-${e.at}-${i}`,
              color: e.level && isLevel(e.level) ? LEVEL_COLOR[e.level] : KIND_COLOR[e.kind],
              content: (
                <div data-testid={`timeline-entry-${e.kind}`} data-kind={e.kind}>
                  <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
                    {fmt(e.at)}
                  </Typography.Text>
                  <Space size={[6, 4]} wrap>
                    <Tag color={KIND_COLOR[e.kind]} style={{ marginInlineEnd: 0 }}>
                      {t(`warning.timeline.kind.${e.kind}`)}
                    </Tag>
                    <Typography.Text>{e.title}</Typography.Text>
                    {e.level && (isLevel(e.level) ? <Tag color={LEVEL_COLOR[e.level]}>{t(`warning.level.${e.level}`)}</Tag> : <Tag>{t('warning.timeline.levelNone')}</Tag>)}
                    {detail(e) && <Typography.Text type="secondary">{detail(e)}</Typography.Text>}
                    {e.link && ROUTES.some((r) => r.test(e.link!)) && <Link to={e.link}>{t('warning.timeline.open')}</Link>}
                  </Space>
                </div>
              ),
            }))}
          />
        )}
      </Card>
    </div>
  );
}
