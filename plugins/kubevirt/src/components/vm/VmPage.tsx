import { Breadcrumbs, Content, Link } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { useMemo } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { useVmListLink } from '../links';
import { VmDetails } from './VmDetails';

/** The VM page under the plugin page: /virtual-machines/:cluster/:namespace/:name, no catalog needed. */
export const VmPage = () => {
  const { cluster = '', namespace = '', name = '' } = useParams();
  const list = useVmListLink();
  const navigate = useNavigate();
  const vmRef = useMemo(
    () => ({ cluster, namespace, name }),
    [cluster, namespace, name],
  );
  return (
    <Content>
      <Breadcrumbs aria-label="breadcrumb" style={{ marginBottom: 16 }}>
        {list !== undefined ? (
          <Link to={list}>Virtual machines</Link>
        ) : (
          <Typography>Virtual machines</Typography>
        )}
        <Typography color="textPrimary">
          {cluster} / {namespace} / {name}
        </Typography>
      </Breadcrumbs>
      <VmDetails
        vmRef={vmRef}
        onDeleted={() => list !== undefined && navigate(list)}
      />
    </Content>
  );
};
