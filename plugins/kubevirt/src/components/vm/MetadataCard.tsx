import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  VmConflictErrorBody,
  VmDetail,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import IconButton from '@material-ui/core/IconButton';
import TextField from '@material-ui/core/TextField';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import DeleteIcon from '@material-ui/icons/Delete';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import { kubevirtApiRef } from '../../api';
import { deniedReason } from '../actions/operations';
import { errorText, isConflict } from '../errors';
import {
  lockedReason,
  mapDiff,
  mapOf,
  MetadataKind,
  MetadataRow,
  newRow,
  rowsOf,
  rowsProblems,
} from './metadataRows';

type StringMap = Record<string, string>;
type Meta = {
  resourceVersion?: string;
  labels?: StringMap;
  annotations?: StringMap;
};

// kept on the VM and sent back untouched, never shown: kubectl's copy of the whole object
const HIDDEN = ['kubectl.kubernetes.io/last-applied-configuration'];
const visible = (map: StringMap = {}) =>
  Object.fromEntries(Object.entries(map).filter(([k]) => !HIDDEN.includes(k)));
const hidden = (map: StringMap = {}) =>
  Object.fromEntries(Object.entries(map).filter(([k]) => HIDDEN.includes(k)));

const metaOf = (vm: unknown): Meta =>
  ((vm as { metadata?: Meta } | undefined)?.metadata ?? {}) as Meta;

const titles: Record<MetadataKind, string> = {
  labels: 'Labels',
  annotations: 'Annotations',
};
const singular: Record<MetadataKind, string> = {
  labels: 'label',
  annotations: 'annotation',
};

const ReadOnly = ({ kind, map }: { kind: MetadataKind; map: StringMap }) => (
  <Box mb={2}>
    <Typography variant="subtitle2">{titles[kind]}</Typography>
    {Object.keys(map).length ? (
      <Box
        display="flex"
        flexWrap="wrap"
        style={{ gap: 6 }}
        mt={1}
        aria-label={titles[kind]}
        role="list"
      >
        {Object.entries(map)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, v]) => (
            <Chip
              key={k}
              role="listitem"
              size="small"
              variant="outlined"
              label={v === '' ? k : `${k}=${v}`}
              style={{ maxWidth: '100%' }}
            />
          ))}
      </Box>
    ) : (
      <Typography variant="body2" color="textSecondary">
        None
      </Typography>
    )}
  </Box>
);

const RowsEditor = ({
  kind,
  rows,
  mayChangeOwnership,
  onChange,
}: {
  kind: MetadataKind;
  rows: MetadataRow[];
  mayChangeOwnership: boolean;
  onChange(rows: MetadataRow[]): void;
}) => {
  const update = (id: number, over: Partial<MetadataRow>) =>
    onChange(rows.map(r => (r.id === id ? { ...r, ...over } : r)));
  return (
    <Box mb={2} role="group" aria-label={`Edit ${titles[kind].toLowerCase()}`}>
      <Typography variant="subtitle2">{titles[kind]}</Typography>
      {rows.map(r => {
        // a key that was on the VM and may not change stays as it is, value included
        const locked = r.existing
          ? lockedReason(r.key, mayChangeOwnership)
          : undefined;
        return (
          <Box
            key={r.id}
            display="flex"
            alignItems="center"
            style={{ gap: 8 }}
            mt={1}
          >
            <TextField
              size="small"
              variant="outlined"
              label="Key"
              value={r.key}
              disabled={r.existing}
              onChange={e => update(r.id, { key: e.target.value })}
              inputProps={{ 'aria-label': `${singular[kind]} key` }}
              style={{ flex: 2 }}
            />
            <TextField
              size="small"
              variant="outlined"
              label="Value"
              value={r.value}
              disabled={!!locked}
              onChange={e => update(r.id, { value: e.target.value })}
              inputProps={{
                'aria-label': `value of ${singular[kind]} ${r.key || 'new'}`,
              }}
              style={{ flex: 3 }}
            />
            <Tooltip title={locked ?? `Remove ${singular[kind]} ${r.key}`}>
              <span>
                <IconButton
                  size="small"
                  aria-label={`Remove ${singular[kind]} ${r.key}`}
                  disabled={!!locked}
                  onClick={() => onChange(rows.filter(x => x.id !== r.id))}
                >
                  <DeleteIcon fontSize="small" />
                </IconButton>
              </span>
            </Tooltip>
          </Box>
        );
      })}
      <Box mt={1}>
        <Button size="small" onClick={() => onChange([...rows, newRow()])}>
          Add {singular[kind]}
        </Button>
      </Box>
    </Box>
  );
};

interface Conflict {
  message: string;
  lines: { kind: 'removed' | 'added'; text: string }[];
  current: Meta;
}

/**
 * The VM's labels and annotations, edited in place: a save sends the whole
 * sets with the resourceVersion they were read at. When the VM changed in
 * between, the broker answers 409 and the card shows what changed in the
 * cluster and offers to reload, as the YAML tab does.
 */
export const MetadataCard = ({
  detail,
  onChange,
}: {
  detail: VmDetail;
  onChange?: () => void;
}) => {
  const api = useApi(kubevirtApiRef);
  const vm = detail.summary;
  const denied = deniedReason(vm, 'editMetadata');
  const mayChangeOwnership = vm.allowedOperations.includes('delete');
  const meta = metaOf(detail.vm);
  const [editing, setEditing] = useState<{
    base: Meta;
    labels: MetadataRow[];
    annotations: MetadataRow[];
  }>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string>();
  const [conflict, setConflict] = useState<Conflict>();
  const [saved, setSaved] = useState<string>();

  const startEdit = (from: Meta = meta) => {
    setEditing({
      base: from,
      labels: rowsOf(from.labels),
      annotations: rowsOf(visible(from.annotations)),
    });
    setConflict(undefined);
    setError(undefined);
    setSaved(undefined);
  };

  const problems = editing
    ? [
        ...rowsProblems('labels', editing.labels, mayChangeOwnership).map(
          p => `Labels: ${p}`,
        ),
        ...rowsProblems(
          'annotations',
          editing.annotations,
          mayChangeOwnership,
        ).map(p => `Annotations: ${p}`),
      ]
    : [];

  const save = async () => {
    if (!editing || problems.length) return;
    setSaving(true);
    setError(undefined);
    try {
      const res = await api.updateVmMetadata(vm, {
        resourceVersion: editing.base.resourceVersion ?? '',
        labels: mapOf(editing.labels),
        annotations: {
          ...hidden(editing.base.annotations),
          ...mapOf(editing.annotations),
        },
      });
      const n = res.changed.labels.length + res.changed.annotations.length;
      setSaved(
        n
          ? `Saved: ${[...res.changed.labels, ...res.changed.annotations].join(
              ', ',
            )} changed.`
          : 'Nothing changed.',
      );
      setEditing(undefined);
      onChange?.();
    } catch (e) {
      if (isConflict(e)) {
        const body = (e as ResponseError).body as unknown as
          | VmConflictErrorBody
          | undefined;
        const current = metaOf(
          body?.error?.current ??
            (await api.getVm(vm).catch(() => undefined))?.vm,
        );
        setConflict({
          message: errorText(e),
          current,
          lines: [
            ...mapDiff(editing.base.labels ?? {}, current.labels ?? {}).map(
              l => ({ ...l, text: `label ${l.text}` }),
            ),
            ...mapDiff(
              visible(editing.base.annotations),
              visible(current.annotations),
            ).map(l => ({ ...l, text: `annotation ${l.text}` })),
          ],
        });
      } else setError(`Saving failed: ${errorText(e)}`);
    } finally {
      setSaving(false);
    }
  };

  const editButton = (
    <Tooltip title={denied ?? 'Add, change or remove labels and annotations'}>
      <span>
        <Button
          variant="outlined"
          size="small"
          disabled={!!denied}
          onClick={() => startEdit()}
        >
          Edit labels and annotations
        </Button>
      </span>
    </Tooltip>
  );

  return (
    <InfoCard
      title="Labels and annotations"
      action={editing ? undefined : editButton}
    >
      {saved && !editing && (
        <Box mb={2}>
          <Alert severity="success">{saved}</Alert>
        </Box>
      )}
      {!editing && (
        <>
          <ReadOnly kind="labels" map={meta.labels ?? {}} />
          <ReadOnly kind="annotations" map={visible(meta.annotations)} />
        </>
      )}
      {editing && (
        <>
          {conflict && (
            <Box mb={2}>
              <Alert
                severity="warning"
                action={
                  <Button
                    color="inherit"
                    size="small"
                    onClick={() => {
                      startEdit(conflict.current);
                      onChange?.();
                    }}
                  >
                    Reload
                  </Button>
                }
              >
                {conflict.message}
              </Alert>
              <Typography variant="subtitle2" style={{ marginTop: 8 }}>
                What changed in the cluster since you started editing (− as you
                read it, + now):
              </Typography>
              <Box
                component="pre"
                aria-label="Changes in the cluster"
                fontFamily="monospace"
                fontSize={12}
                p={1}
                m={0}
                border="1px solid rgba(128,128,128,0.4)"
              >
                {conflict.lines.length
                  ? conflict.lines.map((l, i) => (
                      <div key={i} data-diff={l.kind}>
                        {l.kind === 'removed' ? '-' : '+'} {l.text}
                      </div>
                    ))
                  : 'Only other parts of the VM changed.'}
              </Box>
              <Typography variant="body2" color="textSecondary">
                Reload starts again from the current labels and annotations;
                your edits are discarded.
              </Typography>
            </Box>
          )}
          {error && (
            <Box mb={2}>
              <Alert severity="error">{error}</Alert>
            </Box>
          )}
          <RowsEditor
            kind="labels"
            rows={editing.labels}
            mayChangeOwnership={mayChangeOwnership}
            onChange={labels => setEditing({ ...editing, labels })}
          />
          <RowsEditor
            kind="annotations"
            rows={editing.annotations}
            mayChangeOwnership={mayChangeOwnership}
            onChange={annotations => setEditing({ ...editing, annotations })}
          />
          {problems.length > 0 && (
            <Box mb={2}>
              <Alert severity="error" aria-label="Problems">
                {problems.map(p => (
                  <div key={p}>{p}</div>
                ))}
              </Alert>
            </Box>
          )}
          <Box display="flex" style={{ gap: 8 }}>
            <Button
              variant="contained"
              color="primary"
              disabled={saving || problems.length > 0 || !!conflict}
              onClick={save}
            >
              Save
            </Button>
            <Button onClick={() => setEditing(undefined)} disabled={saving}>
              Cancel
            </Button>
          </Box>
        </>
      )}
    </InfoCard>
  );
};
