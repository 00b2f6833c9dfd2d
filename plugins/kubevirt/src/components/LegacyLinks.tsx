import { RouteRef, useRouteRef } from '@backstage/core-plugin-api';
import { ReactNode } from 'react';
import { VmLinkBaseProvider } from './links';

/** Links to VM pages in apps on the old frontend system; none when the list page is not mounted there. */
export const LegacyLinks = ({
  routeRef,
  children,
}: {
  routeRef: RouteRef;
  children: ReactNode;
}) => {
  let base: string | undefined;
  try {
    // useRouteRef calls all its hooks before it throws for an unmounted ref, so the order never changes
    // eslint-disable-next-line react-hooks/rules-of-hooks
    base = useRouteRef(routeRef)();
  } catch {
    // the app did not mount KubevirtVmListPage: VM names stay plain text
    base = undefined;
  }
  return <VmLinkBaseProvider base={base}>{children}</VmLinkBaseProvider>;
};
