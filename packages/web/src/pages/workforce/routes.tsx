import type { ReactElement } from 'react';
import type { TFunction } from 'i18next';
import type { Can, NavItem } from '../../app/areas';

/** This area's entries in the desktop menu (each with group: '...', see MenuGroupId). */
export function workforceNav(t: TFunction, can: Can): NavItem[] {
  void t;
  void can;
  return [];
}

/** This area's desktop routes (a fragment of <Route>s inside DesktopApp's <Routes>). */
export function workforceDesktopRoutes(): ReactElement {
  return <></>;
}

/** This area's phone routes (inside MobileApp's <Routes>). */
export function workforceMobileRoutes(can: Can): ReactElement {
  void can;
  return <></>;
}

/** This area's cards on the phone home page. */
export function WorkforceHomeCards(): ReactElement | null {
  return null;
}
