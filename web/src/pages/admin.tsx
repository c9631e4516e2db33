import { useI18n } from '../i18n/i18n.tsx';
import { ApiKeysSection } from './admin-apikeys.tsx';
import { OperatorsSection } from './admin-operators.tsx';

/** Administration (admins only): operators and API keys. */
export function AdminPage() {
  const { t } = useI18n();
  return (
    <div className="page">
      <div className="page-header">
        <h1>{t('admin.title')}</h1>
      </div>
      <OperatorsSection />
      <ApiKeysSection />
    </div>
  );
}
