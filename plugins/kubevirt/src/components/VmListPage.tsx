import { Content } from '@backstage/core-components';
import { kubevirtSignalChannels } from '@internal/plugin-kubevirt-common';
import { VmBrowser } from './list/VmBrowser';

const all = {};

/** Every VM the user may see, across clusters. */
export const VmListPage = () => (
  <Content>
    {/* VMs created or deleted anywhere are announced on the clusters channel */}
    <VmBrowser title="Virtual machines" baseQuery={all} channel={kubevirtSignalChannels.clusters} />
  </Content>
);
