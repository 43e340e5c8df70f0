import { useTranslation } from 'react-i18next';
import { StaffTable } from '../../components/StaffTable';

export default function StaffListPage() {
  const { t } = useTranslation();
  return (
    <div data-testid="staff-list-page">
      <h1 className="xy-page-title">{t('staff.title')}</h1>
      <StaffTable />
    </div>
  );
}
