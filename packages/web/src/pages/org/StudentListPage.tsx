import { useTranslation } from 'react-i18next';
import { StudentTable } from '../../components/StudentTable';

export default function StudentListPage() {
  const { t } = useTranslation();
  return (
    <div data-testid="student-list-page">
      <h1 className="xy-page-title">{t('student.title')}</h1>
      <StudentTable />
    </div>
  );
}
