import { FieldSet, keyElement, pathString, valueElement } from './fieldSet';

describe('FieldSet', () => {
  it('serializes as FieldsV1, with "." for a member that also has children (fieldpath/serialize.go)', () => {
    const set = FieldSet.of(
      ['f:metadata', 'f:labels'],
      ['f:metadata', 'f:labels', 'f:app'],
      ['f:spec', 'f:runStrategy'],
    );
    expect(set.toJSON()).toEqual({
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': { 'f:runStrategy': {} },
    });
    expect(FieldSet.fromJSON(set.toJSON()).toJSON()).toEqual(set.toJSON());
  });

  it('orders path elements as PathElement.Compare: fields, keys, values, indexes', () => {
    const set = FieldSet.of(
      ['i:1'],
      ['v:"a"'],
      ['k:{"name":"x"}'],
      ['f:z'],
      ['f:a'],
    );
    expect(Object.keys(set.toJSON())).toEqual([
      'f:a',
      'f:z',
      'k:{"name":"x"}',
      'v:"a"',
      'i:1',
    ]);
  });

  it('does set algebra on member paths only', () => {
    const a = FieldSet.of(['f:spec', 'f:a'], ['f:spec', 'f:b']);
    const b = FieldSet.of(['f:spec', 'f:b'], ['f:spec', 'f:c']);
    expect(a.union(b).paths()).toEqual([
      ['f:spec', 'f:a'],
      ['f:spec', 'f:b'],
      ['f:spec', 'f:c'],
    ]);
    expect(a.intersection(b).paths()).toEqual([['f:spec', 'f:b']]);
    expect(a.difference(b).paths()).toEqual([['f:spec', 'f:a']]);
    // f:spec is no member of a: only a path to members
    expect(a.has(['f:spec'])).toBe(false);
    expect(a.withoutPrefixes([['f:spec']]).empty()).toBe(true);
  });

  it('prints paths as Path.String and keys sorted by field name (fieldpath/element.go)', () => {
    const item = keyElement({ protocol: 'TCP', containerPort: 80, x: 1 }, [
      'protocol',
      'containerPort',
    ]);
    expect(item).toBe('k:{"containerPort":80,"protocol":"TCP"}');
    expect(pathString(['f:spec', 'f:ports', item, 'f:name'])).toBe(
      '.spec.ports[containerPort=80,protocol="TCP"].name',
    );
    expect(pathString(['f:metadata', 'f:finalizers', valueElement('a')])).toBe(
      '.metadata.finalizers[="a"]',
    );
  });
});
