import { Route, Routes } from 'react-router-dom';
import { VmListPage } from './VmListPage';
import { VmPage } from './vm/VmPage';

/** The plugin page: the VM list, and a VM page per cluster/namespace/name below it. */
export const KubevirtRoutes = () => (
  <Routes>
    <Route path="/" element={<VmListPage />} />
    <Route path="/:cluster/:namespace/:name" element={<VmPage />} />
  </Routes>
);
