import { ClusterStatus } from '@kubevirt-backstage/plugin-kubevirt-common';
import Box from '@material-ui/core/Box';
import Checkbox from '@material-ui/core/Checkbox';
import ListItemText from '@material-ui/core/ListItemText';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { useEffect, useState } from 'react';
import { statusFilterValues } from '../VmStatus';

export interface VmFilterValues {
  cluster?: string;
  namespace?: string;
  status: string[];
  text?: string;
}

/** Filters above the table; each change goes to the broker, which filters before paging. */
export const VmFilters = ({
  value,
  onChange,
  clusters,
}: {
  value: VmFilterValues;
  onChange(value: VmFilterValues): void;
  clusters: ClusterStatus[];
}) => {
  // typing waits for a pause before it asks the broker
  const [text, setText] = useState(value.text ?? '');
  const [namespace, setNamespace] = useState(value.namespace ?? '');
  useEffect(() => {
    const timer = setTimeout(() => {
      if (
        (value.text ?? '') !== text ||
        (value.namespace ?? '') !== namespace
      ) {
        onChange({
          ...value,
          text: text || undefined,
          namespace: namespace || undefined,
        });
      }
    }, 300);
    return () => clearTimeout(timer);
  }, [text, namespace, value, onChange]);

  return (
    <Box
      display="flex"
      flexWrap="wrap"
      alignItems="flex-end"
      style={{ gap: 16 }}
      mb={2}
      role="search"
      aria-label="VM filters"
    >
      <TextField
        label="Search"
        placeholder="name, IP, node, OS"
        value={text}
        onChange={e => setText(e.target.value)}
        inputProps={{ 'aria-label': 'Search VMs' }}
        style={{ minWidth: 220 }}
      />
      <TextField
        select
        id="kubevirt-filter-cluster"
        label="Cluster"
        value={value.cluster ?? ''}
        onChange={e =>
          onChange({ ...value, cluster: e.target.value || undefined })
        }
        SelectProps={{
          displayEmpty: true,
          inputProps: { 'aria-label': 'Cluster' },
        }}
        InputLabelProps={{ shrink: true }}
        style={{ minWidth: 180 }}
      >
        <MenuItem value="">All clusters</MenuItem>
        {clusters.map(c => (
          <MenuItem key={c.name} value={c.name}>
            {c.title ?? c.name}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        label="Namespace"
        value={namespace}
        onChange={e => setNamespace(e.target.value.trim())}
        inputProps={{ 'aria-label': 'Namespace' }}
        style={{ minWidth: 160 }}
      />
      <TextField
        select
        id="kubevirt-filter-status"
        label="Status"
        value={value.status}
        onChange={e =>
          onChange({ ...value, status: e.target.value as unknown as string[] })
        }
        SelectProps={{
          multiple: true,
          displayEmpty: true,
          renderValue: v =>
            (v as string[]).length ? (v as string[]).join(', ') : 'Any status',
          inputProps: { 'aria-label': 'Status' },
        }}
        InputLabelProps={{ shrink: true }}
        style={{ minWidth: 200, maxWidth: 360 }}
      >
        {statusFilterValues.map(s => (
          <MenuItem key={s} value={s}>
            <Checkbox size="small" checked={value.status.includes(s)} />
            <ListItemText primary={s} />
          </MenuItem>
        ))}
      </TextField>
    </Box>
  );
};
