/** Operations that act on a VM with one request and no body of their own. */
export const vmActions = [
  'start',
  'stop',
  'forceStop',
  'restart',
  'softReboot',
  'pause',
  'unpause',
  'migrate',
] as const;
export type VmAction = (typeof vmActions)[number];
