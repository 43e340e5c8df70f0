import type { ReactNode } from 'react';
import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { Permission } from '@xinyu/core';
import { useCan } from './session';

/** What the signed-in user may do (from useCan). */
export type Can = (p: Permission) => boolean;

/** An entry of the desktop menu. */
export interface NavItem {
  key: string;
  path: string;
  icon: ReactNode;
  label: string;
  perm?: Permission;
  /** shown only when true (besides perm) */
  show?: boolean;
  /** the menu heading it sits under (areas that list their own keys need not repeat them in DesktopApp's MENU_GROUPS) */
  group?: MenuGroupId;
}

export type MenuGroupId = 'org' | 'screening' | 'warning' | 'counseling' | 'crisis' | 'education' | 'workforce' | 'supervision' | 'system';

export function NotFound() {
  const { t } = useTranslation();
  return (
    <Result
      status="404"
      title="404"
      subTitle={t('app.notFound')}
      extra={
        <Link to="/">
          <Button type="primary">{t('app.backHome')}</Button>
        </Link>
      }
    />
  );
}

/** Shows the page when the user has the permission (any of them, given a list). */
export function Guard({ perm, children }: { perm: Permission | readonly Permission[]; children: ReactNode }) {
  const can = useCan();
  return (typeof perm === 'string' ? can(perm) : perm.some(can)) ? children : <NotFound />;
}
