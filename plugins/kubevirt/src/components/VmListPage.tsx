import { Content } from '@backstage/core-components';
import { kubevirtSignalChannels } from '@internal/plugin-kubevirt-common';
import Box from '@material-ui/core/Box';
import { VmBrowser } from './list/VmBrowser';
import { CreateFromTemplateButton } from './spec/CreateFromTemplateDialog';

const all = {};

/** Every VM the user may see, across clusters. */
export const VmListPage = () => (
  <Content>
    <Box mb={2} display="flex" justifyContent="flex-end">
      <CreateFromTemplateButton />
    </Box>
    {/* VMs created or deleted anywhere are announced on the clusters channel */}
    <VmBrowser title="Virtual machines" baseQuery={all} channel={kubevirtSignalChannels.clusters} />
  </Content>
);
