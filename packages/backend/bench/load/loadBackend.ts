/* eslint-disable @backstage/no-undeclared-imports -- the load harness's backend, run by `yarn bench:load`, never built */
import { createBackend } from '@backstage/backend-defaults';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { benchSignInModule } from './benchSignIn';

/**
 * The backend the load harness measures (bench/load/loadBench.ts): the
 * plugins the measured routes go through, as packages/backend wires them
 * (auth, catalog, permission with the KubeVirt policy, the Kubernetes plugin,
 * events, signals, the broker), plus the harness's loopback sign-in. Left out:
 * scaffolder, techdocs, search, notifications, MCP and the VM entity provider,
 * which serve none of these routes (the VM provider would ingest every VM
 * into the catalog for minutes at 100k VMs: the catalog bench measures that).
 *
 * The event loop delay is measured here, inside the process, and sent to the
 * harness over IPC once a second; RSS the harness reads from /proc.
 */
const backend = createBackend();
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(benchSignInModule);
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@kubevirt-backstage/plugin-permission-backend-module-kubevirt'),
);
backend.add(import('@backstage/plugin-kubernetes-backend'));
backend.add(import('@backstage/plugin-events-backend'));
backend.add(import('@backstage/plugin-signals-backend'));
backend.add(import('@kubevirt-backstage/plugin-kubevirt-backend'));

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
const report = setInterval(() => {
  process.send?.({
    type: 'eventLoop',
    at: Date.now(),
    p50: delay.percentile(50) / 1e6,
    p99: delay.percentile(99) / 1e6,
    max: delay.max / 1e6,
  });
  delay.reset();
}, 1000);
report.unref();

backend.start().catch(error => {
  process.stderr.write(`load backend failed to start: ${error}\n`);
  process.exit(1);
});
