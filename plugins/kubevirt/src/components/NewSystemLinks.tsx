import { useRouteRef } from '@backstage/frontend-plugin-api';
import { ReactNode } from 'react';
import { rootRouteRef } from '../routes';
import { VmLinkBaseProvider } from './links';

/** Links to VM pages in apps on the new frontend system: wherever the app mounted page:kubevirt. */
export const NewSystemLinks = ({ children }: { children: ReactNode }) => {
  const root = useRouteRef(rootRouteRef);
  return <VmLinkBaseProvider base={root?.()}>{children}</VmLinkBaseProvider>;
};
