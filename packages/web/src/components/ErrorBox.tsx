import { Alert, Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../api/client';

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  return (
    <Alert
      type="error"
      showIcon
      title={t('app.loadFailed')}
      description={errorMessage(error)}
      action={onRetry ? <Button size="small" onClick={onRetry}>{t('app.retry')}</Button> : undefined}
      data-testid="error-box"
    />
  );
}
