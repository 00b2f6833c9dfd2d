import { Content } from '@backstage/core-components';
import { kubevirtSignalChannels } from '@kubevirt-backstage/plugin-kubevirt-common';
import Box from '@material-ui/core/Box';
import { ClusterStatusPanel } from './clusters/ClusterStatusPanel';
import { VmBrowser } from './list/VmBrowser';
import { CreateVmFromSavedTemplateButton } from './spec/CreateVmFromSavedTemplateDialog';

const all = {};

/** Every VM the user may see, across clusters. */
export const VmListPage = () => (
  <Content>
    <Box mb={2} display="flex" justifyContent="flex-end">
      <CreateVmFromSavedTemplateButton />
    </Box>
    {/* VMs created or deleted anywhere are announced on the clusters channel */}
    <VmBrowser
      title="Virtual machines"
      baseQuery={all}
      channel={kubevirtSignalChannels.clusters}
    />
    <Box mt={3}>
      <ClusterStatusPanel />
    </Box>
  </Content>
);
