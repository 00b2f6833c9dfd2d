import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import { ReactNode, useState } from 'react';
import { errorText } from '../errors';
import { Wait } from './operations';
import { WaitProgress } from './WaitProgress';
import { useVmWait } from './useVmWait';

/**
 * A dialog for one request that the cluster then carries out (hot-plug,
 * snapshot deletion): form, optional typed confirmation, the broker's error in
 * words, and progress until the wait is over.
 */
export const WaitingDialog = ({
  title,
  description,
  children,
  actionLabel,
  canSubmit = true,
  confirmName,
  submit,
  onClose,
  onSettled,
}: {
  title: string;
  description: string;
  children?: ReactNode;
  actionLabel: string;
  canSubmit?: boolean;
  /** When set, the user types it to confirm. */
  confirmName?: string;
  submit(): Promise<Wait>;
  onClose(): void;
  onSettled?(): void;
}) => {
  const [confirmation, setConfirmation] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string>();
  const [wait, setWait] = useState<Wait>();
  const state = useVmWait(wait);
  const close = () => {
    if (wait) onSettled?.();
    onClose();
  };
  const run = async () => {
    setSubmitting(true);
    setError(undefined);
    try {
      setWait(await submit());
    } catch (e) {
      setError(errorText(e));
    } finally {
      setSubmitting(false);
    }
  };
  return (
    <Dialog
      open
      onClose={close}
      maxWidth="sm"
      fullWidth
      aria-labelledby="kubevirt-wait-title"
    >
      <DialogTitle id="kubevirt-wait-title">{title}</DialogTitle>
      <DialogContent>
        <DialogContentText>{description}</DialogContentText>
        {!wait && children}
        {!wait && confirmName && (
          <Box mt={2}>
            <TextField
              label={`Type ${confirmName} to confirm`}
              value={confirmation}
              onChange={e => setConfirmation(e.target.value)}
              inputProps={{
                'aria-label': 'Type the name to confirm',
                autoComplete: 'off',
              }}
              fullWidth
              margin="dense"
            />
          </Box>
        )}
        {error && (
          <Box mt={2}>
            <Alert severity="error">{error}</Alert>
          </Box>
        )}
        {wait && state && <WaitProgress target={wait.target} state={state} />}
      </DialogContent>
      <DialogActions>
        <Button onClick={close}>{wait ? 'Close' : 'Cancel'}</Button>
        {!wait && (
          <Button
            variant="contained"
            color={confirmName ? 'secondary' : 'primary'}
            disabled={
              submitting ||
              !canSubmit ||
              (!!confirmName && confirmation !== confirmName)
            }
            onClick={run}
          >
            {actionLabel}
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
};
