import type { TFunction } from 'i18next';
import type { ReactElement } from 'react';
import type { Can } from '../../app/areas';
import type { NavItem } from '../../app/areas';

/** This area's entries in the desktop menu (DesktopApp adds them after the care entries). */
export function crisisNav(_t: TFunction, _can: Can): NavItem[] {
  return [];
}

/** This area's desktop routes (a fragment of <Route>s inside DesktopApp's <Routes>). */
export function crisisDesktopRoutes(): ReactElement {
  return <></>;
}

/** This area's phone routes (inside MobileApp's <Routes>). */
export function crisisMobileRoutes(_can: Can): ReactElement {
  return <></>;
}

/** This area's cards on the phone home page. */
export function CrisisHomeCards(): ReactElement | null {
  return null;
}
