import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { WaitState } from './useVmWait';

/** Where a dialog's wait for the cluster stands: progress while waiting, then the outcome. */
export const WaitProgress = ({
  target,
  state,
}: {
  target: string;
  state: WaitState;
}) => (
  <Box mt={2} role="status" aria-live="polite">
    {state.phase === 'waiting' && (
      <>
        <Typography variant="body2" gutterBottom>
          Waiting until {target} ({state.text})
        </Typography>
        <LinearProgress />
      </>
    )}
    {state.phase === 'reached' && (
      <Alert severity="success">Done: {state.text}.</Alert>
    )}
    {state.phase === 'failed' && <Alert severity="error">{state.text}</Alert>}
    {state.phase === 'timeout' && (
      <Alert severity="warning">{state.text}</Alert>
    )}
  </Box>
);
