import { CodeSnippet, InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  VmConflictErrorBody,
  VmDetail,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useEffect, useRef, useState } from 'react';
import { parse, stringify } from 'yaml';
import { kubevirtApiRef } from '../../api';
import { deniedReason } from '../actions/operations';
import { errorText, isConflict } from '../errors';
import { DiffLine, lineDiff } from './lineDiff';

type Obj = Record<string, any>;

/** What the editor shows: the VM without its status and bookkeeping that a save would not change. */
export function editableVm(vm: unknown): Obj {
  const { status: _status, ...rest } = (vm ?? {}) as Obj;
  const { managedFields: _managed, ...metadata } = (rest.metadata ?? {}) as Obj;
  const annotations = { ...(metadata.annotations ?? {}) };
  delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
  return {
    ...rest,
    metadata: {
      ...metadata,
      ...(Object.keys(annotations).length ? { annotations } : {}),
    },
  };
}

const toYaml = (vm: unknown) => stringify(editableVm(vm), { lineWidth: 0 });

const colours: Record<DiffLine['kind'], string | undefined> = {
  same: undefined,
  removed: 'rgba(244, 67, 54, 0.18)',
  added: 'rgba(76, 175, 80, 0.22)',
};
const marks: Record<DiffLine['kind'], string> = {
  same: ' ',
  removed: '-',
  added: '+',
};

/** The lines that changed, with three lines of context, like `diff -u`. */
const DiffView = ({ lines }: { lines: DiffLine[] }) => {
  const near = (i: number) =>
    lines.slice(Math.max(0, i - 3), i + 4).some(l => l.kind !== 'same');
  return (
    <Box
      component="pre"
      aria-label="Changes"
      fontFamily="monospace"
      fontSize={12}
      p={1}
      m={0}
      overflow="auto"
      maxHeight={360}
      border="1px solid rgba(128,128,128,0.4)"
    >
      {lines.map((l, i) =>
        near(i) ? (
          <div
            key={i}
            data-diff={l.kind}
            style={{ background: colours[l.kind] }}
          >
            {marks[l.kind]} {l.text}
          </div>
        ) : null,
      )}
    </Box>
  );
};

interface Conflict {
  message: string;
  stale: string;
  current: string;
}

/**
 * View, edit and save the VM. A save sends the resourceVersion the editor was
 * opened with; when the VM changed in between, the broker answers 409 and the
 * user sees what changed (the version they edited against the current one)
 * and can reload.
 */
export const YamlTab = ({
  detail,
  onSaved,
}: {
  detail: VmDetail;
  onSaved(): void;
}) => {
  const api = useApi(kubevirtApiRef);
  const vm = detail.summary;
  const [editing, setEditing] = useState<{ baseline: string; text: string }>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string>();
  const [conflict, setConflict] = useState<Conflict>();
  const [saved, setSaved] = useState(false);
  const denied = deniedReason(vm, 'update');
  // Save sits below a long editor: bring the refusal and its diff into view, or the user sees nothing happen
  const notice = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (conflict || error)
      notice.current?.scrollIntoView?.({ block: 'start', behavior: 'smooth' });
  }, [conflict, error]);
  const currentYaml = toYaml(detail.vm);
  const changedMeanwhile =
    editing &&
    !conflict &&
    parse(editing.baseline)?.metadata?.resourceVersion !==
      (detail.vm as Obj)?.metadata?.resourceVersion;

  const startEdit = (from = currentYaml) => {
    setEditing({ baseline: from, text: from });
    setConflict(undefined);
    setError(undefined);
    setSaved(false);
  };

  const save = async () => {
    if (!editing) return;
    let manifest: Obj;
    try {
      manifest = parse(editing.text);
      if (!manifest || typeof manifest !== 'object')
        throw new Error('The document is not an object');
    } catch (e) {
      setError(`Not valid YAML: ${(e as Error).message}`);
      return;
    }
    setSaving(true);
    setError(undefined);
    try {
      await api.updateVm(vm, { manifest });
      setEditing(undefined);
      setSaved(true);
      onSaved();
    } catch (e) {
      if (isConflict(e)) {
        const body = (e as ResponseError).body as unknown as
          | VmConflictErrorBody
          | undefined;
        let current = body?.error?.current;
        if (!current)
          current = (await api.getVm(vm).catch(() => undefined))?.vm;
        setConflict({
          message: errorText(e),
          stale: editing.baseline,
          current: current ? toYaml(current) : '',
        });
      } else {
        setError(`Saving ${vm.name} failed: ${errorText(e)}`);
      }
    } finally {
      setSaving(false);
    }
  };

  if (!editing) {
    return (
      <InfoCard
        title="YAML"
        action={
          <Tooltip
            title={
              denied ??
              'Edit the VirtualMachine and save it with the version you read'
            }
          >
            <span>
              <Button
                variant="outlined"
                disabled={!!denied}
                onClick={() => startEdit()}
              >
                Edit
              </Button>
            </span>
          </Tooltip>
        }
      >
        {saved && (
          <Box mb={2}>
            <Alert severity="success">Saved.</Alert>
          </Box>
        )}
        <CodeSnippet
          language="yaml"
          text={currentYaml}
          showLineNumbers
          showCopyCodeButton
        />
      </InfoCard>
    );
  }

  return (
    <InfoCard title={`Editing ${vm.name}`}>
      <div ref={notice} />
      {changedMeanwhile && (
        <Box mb={2}>
          <Alert severity="info">
            The VM changed in the cluster since you started editing; saving will
            be refused unless you reload.
          </Alert>
        </Box>
      )}
      {conflict && (
        <Box mb={2}>
          <Alert
            severity="warning"
            action={
              <Button
                color="inherit"
                size="small"
                onClick={() => startEdit(conflict.current || currentYaml)}
              >
                Reload
              </Button>
            }
          >
            {conflict.message}
          </Alert>
          <Typography variant="subtitle2" style={{ marginTop: 8 }}>
            What changed in the cluster since you opened the editor (− the
            version you edited, + the current one):
          </Typography>
          <DiffView lines={lineDiff(conflict.stale, conflict.current)} />
          <Typography variant="body2" color="textSecondary">
            Reload loads the current version into the editor; your edits are
            discarded, so copy them first if you need them.
          </Typography>
        </Box>
      )}
      {error && (
        <Box mb={2}>
          <Alert severity="error">{error}</Alert>
        </Box>
      )}
      <TextField
        multiline
        fullWidth
        variant="outlined"
        minRows={20}
        maxRows={40}
        value={editing.text}
        onChange={e => setEditing({ ...editing, text: e.target.value })}
        inputProps={{
          'aria-label': 'VM YAML',
          spellCheck: false,
          style: { fontFamily: 'monospace', fontSize: 12 },
        }}
      />
      <Box mt={2} display="flex" style={{ gap: 8 }}>
        <Button
          variant="contained"
          color="primary"
          disabled={saving || editing.text === editing.baseline}
          onClick={save}
        >
          Save
        </Button>
        <Button onClick={() => setEditing(undefined)}>Cancel</Button>
      </Box>
    </InfoCard>
  );
};
