import { StatusError } from './errors';
import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors';

const badRequest = (fn: () => unknown): StatusError => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StatusError);
    expect((e as StatusError).code).toBe(400);
    expect((e as StatusError).reason).toBe('BadRequest');
    return e as StatusError;
  }
  throw new Error('expected a 400');
};

describe('parseLabelSelector', () => {
  it('reads nothing from an empty or blank selector', () => {
    expect(parseLabelSelector(undefined)).toEqual([]);
    expect(parseLabelSelector('')).toEqual([]);
    expect(parseLabelSelector('  ')).toEqual([]);
  });

  it('reads equality, inequality, existence and absence as set requirements', () => {
    expect(
      parseLabelSelector('app=web, tier==front,env!=prod,kubevirt.io/vm,!gone'),
    ).toEqual([
      { key: 'app', op: 'in', values: ['web'] },
      { key: 'tier', op: 'in', values: ['front'] },
      { key: 'env', op: 'notin', values: ['prod'] },
      { key: 'kubevirt.io/vm', op: 'exists' },
      { key: 'gone', op: 'doesnotexist' },
    ]);
  });

  it('does not split on the commas inside a set', () => {
    expect(parseLabelSelector('os in (fedora, ubuntu),zone notin (a)')).toEqual(
      [
        { key: 'os', op: 'in', values: ['fedora', 'ubuntu'] },
        { key: 'zone', op: 'notin', values: ['a'] },
      ],
    );
  });

  it('accepts an empty value, as the apiserver does', () => {
    expect(parseLabelSelector('app=')).toEqual([
      { key: 'app', op: 'in', values: [''] },
    ]);
  });

  it('answers 400 with the apiserver wording for what it cannot parse', () => {
    expect(badRequest(() => parseLabelSelector('a=b,=c')).message).toBe(
      'unable to parse requirement: "=c"',
    );
    badRequest(() => parseLabelSelector('a in b'));
    badRequest(() => parseLabelSelector('a=b c'));
  });
});

describe('matchesLabels', () => {
  const labels = { app: 'web', os: 'fedora' };
  const matches = (selector: string, l: Record<string, string> | undefined) =>
    matchesLabels(l, parseLabelSelector(selector));

  it('requires every requirement to hold', () => {
    expect(matches('app=web,os=fedora', labels)).toBe(true);
    expect(matches('app=web,os=ubuntu', labels)).toBe(false);
    expect(matches('', labels)).toBe(true);
  });

  it('matches != and notin when the label is missing, = and in only when present', () => {
    expect(matches('env!=prod', labels)).toBe(true);
    expect(matches('env notin (prod)', labels)).toBe(true);
    expect(matches('env=prod', labels)).toBe(false);
    expect(matches('env in (prod)', labels)).toBe(false);
    expect(matches('app!=web', labels)).toBe(false);
    expect(matches('os in (ubuntu,fedora)', labels)).toBe(true);
  });

  it('tells existence from absence, also without labels at all', () => {
    expect(matches('app', labels)).toBe(true);
    expect(matches('!app', labels)).toBe(false);
    expect(matches('!app', undefined)).toBe(true);
    expect(matches('app', undefined)).toBe(false);
  });

  it('does not take inherited properties for labels', () => {
    expect(matches('toString', {})).toBe(false);
    expect(matches('constructor!=x', {})).toBe(true);
  });
});

describe('parseFieldSelector', () => {
  it('reads name and namespace for every kind, with = == and !=', () => {
    expect(
      parseFieldSelector(
        'metadata.name=vm-1,metadata.namespace==ns,metadata.name!=x',
        'ConfigMap',
      ),
    ).toEqual([
      { path: 'metadata.name', equals: true, value: 'vm-1' },
      { path: 'metadata.namespace', equals: true, value: 'ns' },
      { path: 'metadata.name', equals: false, value: 'x' },
    ]);
  });

  it('allows the per-kind fields only on their kinds', () => {
    expect(parseFieldSelector('spec.nodeName=node-1', 'Pod')).toHaveLength(1);
    expect(
      parseFieldSelector('status.phase=Running', 'VirtualMachineInstance'),
    ).toHaveLength(1);
    expect(
      parseFieldSelector('involvedObject.name=vm-1,reason=Started', 'Event'),
    ).toHaveLength(2);
    expect(
      badRequest(() =>
        parseFieldSelector('spec.nodeName=node-1', 'VirtualMachineInstance'),
      ).message,
    ).toBe('field label not supported: spec.nodeName');
    badRequest(() => parseFieldSelector('status.phase=Running', 'Secret'));
    badRequest(() => parseFieldSelector('reason=Started', 'Pod'));
  });

  it('answers 400 for a requirement without an operator', () => {
    expect(
      badRequest(() => parseFieldSelector('metadata.name', 'Pod')).message,
    ).toBe(
      "invalid selector: 'metadata.name'; can't understand 'metadata.name'",
    );
  });
});

describe('matchesFields', () => {
  const pod = {
    metadata: { name: 'virt-launcher-vm-1', namespace: 'ns' },
    spec: { nodeName: 'node-1' },
    status: {},
  };
  const matches = (selector: string, obj: unknown) =>
    matchesFields(obj, parseFieldSelector(selector, 'Pod'));

  it('compares the value at the dotted path', () => {
    expect(matches('spec.nodeName=node-1,metadata.namespace=ns', pod)).toBe(
      true,
    );
    expect(matches('spec.nodeName=node-2', pod)).toBe(false);
    expect(matches('spec.nodeName!=node-2', pod)).toBe(true);
  });

  it('takes a missing field as the empty string', () => {
    expect(matches('status.phase=', pod)).toBe(true);
    expect(matches('status.phase!=Running', pod)).toBe(true);
    expect(matches('spec.nodeName=', { metadata: {} })).toBe(true);
  });
});
