import { mockServices } from '@backstage/backend-test-utils';
import { OwnershipIndex } from './OwnershipIndex';

const component = (name: string, owner: string) => ({
  kind: 'Component',
  metadata: {
    namespace: 'default',
    name,
    annotations: { 'backstage.io/kubernetes-id': name },
  },
  spec: { owner },
});

describe('OwnershipIndex', () => {
  it('looks a kubernetes-id up again soon when the catalog did not know it yet', async () => {
    let items: object[] = [];
    const getEntities = jest.fn(async () => ({ items }));
    const index = new OwnershipIndex(
      { getEntities } as any,
      mockServices.auth(),
      mockServices.logger.mock(),
      60_000,
      20,
    );

    // the catalog is still loading when the first VM is decided
    expect(await index.ownersOf('payments-api')).toEqual([]);
    items = [component('payments-api', 'team-payments')];
    // within the long max age, a miss still refreshes once the short interval has passed
    await new Promise(r => setTimeout(r, 30));
    await index.ownersOf('payments-api');
    await new Promise(r => setTimeout(r, 5));
    expect(await index.ownersOf('payments-api')).toEqual([
      'group:default/team-payments',
    ]);
    expect(await index.kubernetesIdOf('component:default/payments-api')).toBe(
      'payments-api',
    );

    // known ids do not reload the catalog until the max age
    const calls = getEntities.mock.calls.length;
    await new Promise(r => setTimeout(r, 30));
    await index.ownersOf('payments-api');
    expect(getEntities.mock.calls.length).toBe(calls);
  });
});
