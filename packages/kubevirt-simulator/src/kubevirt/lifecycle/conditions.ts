import { KubeObject } from '../../store/store';
import { FAULT_ANNOTATION } from './vmStatus';

/** A timestamp as the apiserver writes it: seconds, no fraction. */
export const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
export const cond = (
  type: string,
  status: string,
  reason?: string,
  message?: string,
) => ({
  type,
  status,
  lastProbeTime: null,
  lastTransitionTime: now(),
  ...(reason ? { reason } : {}),
  ...(message ? { message } : {}),
});
export const fault = (vm: KubeObject | undefined) =>
  vm?.metadata.annotations?.[FAULT_ANNOTATION];
export const hasCondition = (obj: KubeObject, type: string) =>
  (obj.status?.conditions ?? []).some(
    (c: { type: string; status: string }) =>
      c.type === type && c.status === 'True',
  );
