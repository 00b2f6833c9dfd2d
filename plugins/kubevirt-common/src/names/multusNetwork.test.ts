import { multusNetworkProblem } from './multusNetwork';

describe('multusNetworkProblem', () => {
  it.each(['vlan-10', 'payments/vlan-10', 'storage.net', 'a/b.c'])(
    'accepts %s',
    value => expect(multusNetworkProblem(value)).toBeUndefined(),
  );

  it.each([
    ['', 'NetworkAttachmentDefinition name is required'],
    ['Vlan', 'NetworkAttachmentDefinition name "Vlan" is not valid'],
    ['pay.ments/vlan', 'namespace "pay.ments" is not valid'],
    ['payments/', 'NetworkAttachmentDefinition name is required'],
    ['a/b/c', `"a/b/c" has more than one '/'`],
  ])('refuses %j: %s', (value, problem) =>
    expect(multusNetworkProblem(value)).toContain(problem),
  );
});
