import { discoveryApiRef, identityApiRef } from '@backstage/core-plugin-api';
import { TestApiProvider } from '@backstage/frontend-test-utils';
import { kubevirtSignalChannels } from '@kubevirt-backstage/plugin-kubevirt-common';
import { act, render, screen } from '@testing-library/react';
import { kubevirtApiRef } from '../api';
import { detail } from '../testing/fakeKubevirtApi';
import { FakeSignalsServer } from '../testing/fakeSignalsServer';
import { useVmDetail } from './vm/useVmDetail';

const ref = { cluster: 'east', namespace: 'payments', name: 'db-0' };
const channel = kubevirtSignalChannels.vm(ref);

const VmState = () => {
  const { value } = useVmDetail(ref);
  return <span>status: {value?.summary.status ?? '…'}</span>;
};

/** The VM page's detail, with the broker's signals socket served by `server`. */
function renderVmState(server: FakeSignalsServer) {
  let status = 'Running';
  const reads: string[] = [];
  const api = {
    getVm: async () => {
      reads.push(status);
      return detail({ status });
    },
  };
  const previous = globalThis.WebSocket;
  globalThis.WebSocket = server.WebSocket as unknown as typeof WebSocket;
  render(
    <TestApiProvider
      apis={[
        [kubevirtApiRef, api as any],
        [
          discoveryApiRef,
          { getBaseUrl: async (id: string) => `http://backstage/api/${id}` },
        ],
        [
          identityApiRef,
          { getCredentials: async () => ({ token: 'user-token' }) } as any,
        ],
      ]}
    >
      <VmState />
    </TestApiProvider>,
  );
  return {
    reads,
    restore: () => {
      globalThis.WebSocket = previous;
    },
    /** The VM changes in the cluster and the broker signals it. */
    change(to: string) {
      status = to;
      act(() =>
        server.publish(channel, { ref: 'east/payments/db-0', status: to }),
      );
    },
  };
}

describe('useSignalRefresh', () => {
  it('reads again once its channel is live: a change signalled while a fresh backend refused the page’s first socket still shows', async () => {
    const server = new FakeSignalsServer();
    // signals-backend answers the first websocket a fresh backend receives with 404
    server.refuse = 1;
    const page = renderVmState(server);
    try {
      expect(await screen.findByText('status: Running')).toBeInTheDocument();
      // the broker signals the change before the page's socket is open: the signal is lost
      page.change('Stopped');
      expect(
        await screen.findByText('status: Stopped', {}, { timeout: 3_000 }),
      ).toBeInTheDocument();
      expect(server.openSockets).toHaveLength(1);
      expect(server.openSockets[0].channels).toEqual(new Set([channel]));
    } finally {
      page.restore();
    }
  });

  it('reads again on each signal once live, a burst costing one read', async () => {
    const server = new FakeSignalsServer();
    const page = renderVmState(server);
    try {
      expect(await screen.findByText('status: Running')).toBeInTheDocument();
      await new Promise(r => setTimeout(r, 500));
      const before = page.reads.length;
      page.change('Stopping');
      page.change('Stopped');
      expect(
        await screen.findByText('status: Stopped', {}, { timeout: 3_000 }),
      ).toBeInTheDocument();
      await new Promise(r => setTimeout(r, 400));
      expect(page.reads.length - before).toBe(1);
    } finally {
      page.restore();
    }
  });
});
