import { ConfigReader } from '@backstage/config';
import { readProviderConfig } from './config';

const read = (kubevirt: object) =>
  readProviderConfig(
    new ConfigReader({
      app: { baseUrl: 'http://portal/' },
      catalog: { providers: { kubevirt } },
    }),
  );

describe('readProviderConfig', () => {
  it('has defaults for everything', () => {
    const config = readProviderConfig(new ConfigReader({}));
    expect(config).toMatchObject({
      enabled: true,
      clusters: undefined,
      defaultOwner: 'group:default/unowned',
      pageSize: 1000,
      schedule: { frequency: { minutes: 10 } },
    });
  });

  it('reads owners as full refs and keys cluster-specific namespaces', () => {
    const config = read({
      defaultOwner: 'platform',
      namespaceOwners: [
        { namespace: 'a', owner: 'team-a' },
        { cluster: 'east', namespace: 'b', owner: 'user:default/b' },
      ],
    });
    expect(config.defaultOwner).toBe('group:default/platform');
    expect([...config.namespaceOwners]).toEqual([
      ['a', 'group:default/team-a'],
      ['east/b', 'user:default/b'],
    ]);
    expect(config.appBaseUrl).toBe('http://portal');
  });

  it('names the bad key', () => {
    expect(() =>
      read({ namespaceOwners: [{ namespace: 'a', owner: 'a:b:c' }] }),
    ).toThrow(/namespaceOwners\[0\]\.owner/);
    expect(() => read({ pageSize: 10000 })).toThrow(
      /pageSize must be an integer from 1 to 5000/,
    );
  });
});
