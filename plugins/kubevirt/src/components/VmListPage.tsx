import { Content } from '@backstage/core-components';
import { VmBrowser } from './list/VmBrowser';

const all = {};

/** Every VM the user may see, across clusters. */
export const VmListPage = () => (
  <Content>
    <VmBrowser title="Virtual machines" baseQuery={all} />
  </Content>
);
