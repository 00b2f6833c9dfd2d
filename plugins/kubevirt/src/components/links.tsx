import { VmRef } from '@kubevirt-backstage/plugin-kubevirt-common';
import { createContext, ReactNode, useContext } from 'react';

const BaseContext = createContext<string | undefined>(undefined);

/**
 * Where the plugin page is mounted, so any view (the list, an entity tab) can
 * link to a VM page. The app's routing decides the path; each frontend system
 * provides it in its own way (see alpha.tsx and index.ts).
 */
export const VmLinkBaseProvider = ({
  base,
  children,
}: {
  base?: string;
  children: ReactNode;
}) => <BaseContext.Provider value={base}>{children}</BaseContext.Provider>;

const enc = encodeURIComponent;

function vmPath(base: string, ref: VmRef) {
  return `${base.replace(/\/$/, '')}/${enc(ref.cluster)}/${enc(
    ref.namespace,
  )}/${enc(ref.name)}`;
}

/** A VM page link builder, or undefined when the plugin page is not mounted in this app. */
export function useVmLink(): ((ref: VmRef) => string) | undefined {
  const base = useContext(BaseContext);
  return base === undefined ? undefined : ref => vmPath(base, ref);
}

export function useVmListLink(): string | undefined {
  return useContext(BaseContext);
}
