import { Button, Space, Typography } from 'antd';
import { ArrowLeftOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { api } from '../../api/client';
import { useAsync } from '../../app/useAsync';
import { ErrorBox } from '../../components/ErrorBox';
import { BookCard } from './MyAppointmentsPage';
import type { FreeSlots } from './shared';
import '../self/screening/screening.css';

/** /counseling/book/:studentId: a teacher (head teacher, care teacher, counselor) books for a student in their scope. */
export default function BookForStudentPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { studentId = '' } = useParams();
  const { data, error, reload } = useAsync((signal) => api.get<FreeSlots>(`/counseling/students/${studentId}/slots`, undefined, { signal }), [studentId]);
  return (
    <div style={{ maxWidth: 560 }} data-testid="book-for-student">
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        <Button type="link" icon={<ArrowLeftOutlined />} onClick={() => void navigate(-1)} style={{ padding: 0 }}>
          {t('counseling.book.back')}
        </Button>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('counseling.book.title')}</Typography.Title>
        {data && (
          <Typography.Text strong data-testid="book-student">
            {data.student.name} · {data.student.schoolName} {data.student.className}
          </Typography.Text>
        )}
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>{t('counseling.book.intro')}</Typography.Paragraph>
        {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
        {data && <BookCard studentId={studentId} onBooked={reload} />}
      </Space>
    </div>
  );
}
