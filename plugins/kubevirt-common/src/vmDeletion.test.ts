import { beingDeletedReason, vmPrintableStatus } from './vmDeletion';

describe('a VM being deleted', () => {
  it('is Terminating once it has a deletionTimestamp, whatever the controller last wrote (vm.go setPrintableStatus)', () => {
    expect(
      vmPrintableStatus({
        metadata: { deletionTimestamp: '2026-12-03T15:00:00Z' },
        status: { printableStatus: 'Running' },
      }),
    ).toBe('Terminating');
    expect(vmPrintableStatus({ status: { printableStatus: 'Running' } })).toBe(
      'Running',
    );
    expect(vmPrintableStatus({})).toBe('Unknown');
  });

  it('blocks every operation with a reason, and only then', () => {
    expect(beingDeletedReason({ status: 'Terminating' })).toMatch(
      /being deleted/,
    );
    expect(beingDeletedReason({ status: 'Stopped' })).toBeUndefined();
  });
});
