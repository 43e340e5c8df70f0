import { Alert, Button, Space, Tag } from 'antd';
import { CheckCircleFilled, LeftOutlined, PlayCircleOutlined } from '@ant-design/icons';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api } from '../../api/client';
import { useAsync } from '../../app/useAsync';
import { useSendOnce } from '../../app/useSendOnce';
import { ErrorBox } from '../../components/ErrorBox';
import { CreditsCard } from './MyHomeschoolPage';
import { Paragraphs, type CreditStatus, type MyHsCourseDetail } from './shared';
import '../self/screening/screening.css';

/** One micro-course on the phone: read it or open its video, then mark it learned (credits once). */
export default function MyCoursePage() {
  const { t } = useTranslation();
  const id = useParams().id ?? '';
  const { data, error, reload } = useAsync((signal) => api.get<MyHsCourseDetail>(`/homeschool/my/courses/${id}`, undefined, { signal }), [id]);
  const [after, setAfter] = useState<{ course: MyHsCourseDetail; credits: CreditStatus } | null>(null);
  const { busy, problem, send } = useSendOnce();
  const course = after?.course ?? data;
  const learn = () => send(async () => setAfter(await api.post<{ course: MyHsCourseDetail; credits: CreditStatus }>(`/homeschool/my/courses/${id}/learned`, {})));
  return (
    <div className="xy-ans" data-testid="hs-course-page">
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        <Link to="/m/parentschool" data-testid="hs-back">
          <LeftOutlined /> {t('homeschool.my.back')}
        </Link>
        {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
        {course && (
          <div className="xy-ans-card">
            <h2 style={{ margin: '0 0 6px', overflowWrap: 'anywhere' }}>{course.title}</h2>
            <div style={{ color: 'rgba(0,0,0,0.55)', marginBottom: 10 }}>
              {course.ownerName} · {t('homeschool.my.minutes', { n: course.minutes })} · {t('homeschool.my.credits1', { n: course.credits })}
            </div>
            {course.summary && <p style={{ fontWeight: 500, overflowWrap: 'anywhere' }}>{course.summary}</p>}
            {course.kind === 'video' && course.videoUrl && (
              <div style={{ margin: '8px 0 12px' }}>
                <Button block size="large" icon={<PlayCircleOutlined />} href={course.videoUrl} target="_blank" rel="noopener noreferrer" data-testid="hs-watch">
                  {t('homeschool.my.watch')}
                </Button>
                <div className="xy-ans-note" style={{ marginTop: 4 }}>{t('homeschool.my.videoNote')}</div>
              </div>
            )}
            {course.body && <Paragraphs text={course.body} />}
          </div>
        )}
        {course && (
          <div className="xy-ans-card" style={{ textAlign: 'center' }}>
            {course.learned ? (
              <div data-testid="hs-learned">
                <CheckCircleFilled style={{ color: '#52c41a', fontSize: 32 }} />
                <div style={{ marginTop: 6 }}>
                  <Tag color="green">{t('homeschool.my.learned')}</Tag>
                  {course.learnedOn && t('homeschool.my.learnedOn', { date: course.learnedOn })}
                </div>
              </div>
            ) : (
              <Button type="primary" block size="large" style={{ height: 48 }} loading={busy} onClick={() => void learn()} data-testid="hs-mark-learned">
                {t('homeschool.my.markLearned')}
              </Button>
            )}
            {problem && <Alert type="error" showIcon title={problem} style={{ marginTop: 8 }} />}
          </div>
        )}
        {after && <CreditsCard credits={after.credits} />}
      </Space>
    </div>
  );
}
