import { resourceTypeOfKind } from '../store/resources';
import { KubeObject } from '../store/store';
import { StatusError } from './errors';
import { validate } from './validation';

const obj = (
  kind: string,
  metadata: Record<string, unknown>,
  spec?: Record<string, unknown>,
): KubeObject =>
  ({ kind, metadata, ...(spec ? { spec } : {}) } as unknown as KubeObject);

const rejection = (o: KubeObject): StatusError => {
  try {
    validate(resourceTypeOfKind(o.kind), o);
  } catch (e) {
    expect(e).toBeInstanceOf(StatusError);
    expect((e as StatusError).code).toBe(422);
    return e as StatusError;
  }
  throw new Error('expected a 422');
};
const causesOf = (o: KubeObject) =>
  (rejection(o).details as { causes: { field: string; message: string }[] })
    .causes;

const vmSpec = { runStrategy: 'Always', template: { spec: {} } };

describe('validate', () => {
  it('accepts a valid VM and a ConfigMap with a dotted name', () => {
    expect(() =>
      validate(
        resourceTypeOfKind('VirtualMachine'),
        obj('VirtualMachine', { name: 'vm-1', labels: { app: 'web' } }, vmSpec),
      ),
    ).not.toThrow();
    expect(() =>
      validate(
        resourceTypeOfKind('ConfigMap'),
        obj('ConfigMap', { name: 'a.b-c' }),
      ),
    ).not.toThrow();
  });

  it('requires a name or generateName', () => {
    expect(causesOf(obj('ConfigMap', {}))).toEqual([
      expect.objectContaining({
        field: 'metadata.name',
        reason: 'FieldValueRequired',
      }),
    ]);
    expect(() =>
      validate(
        resourceTypeOfKind('ConfigMap'),
        obj('ConfigMap', { generateName: 'cm-' }),
      ),
    ).not.toThrow();
  });

  // apimachinery pkg/util/validation/validation.go: IsDNS1123Label, IsDNS1123Subdomain, IsDNS1035Label, RegexError, MaxLenError
  it('checks names with the apiserver’s messages: the example and the regex, and the length rule as the length rule', () => {
    expect(causesOf(obj('Namespace', { name: 'Upper' }))).toEqual([
      expect.objectContaining({
        field: 'metadata.name',
        message:
          "Invalid value: \"Upper\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      }),
    ]);
    // a valid subdomain that is no label
    expect(causesOf(obj('Namespace', { name: 'a.b' }))[0].message).toBe(
      'Invalid value: "a.b": must not contain dots',
    );
    expect(causesOf(obj('ConfigMap', { name: 'Upper' }))[0].message).toBe(
      "Invalid value: \"Upper\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    );
    expect(causesOf(obj('Service', { name: '1st' }))[0].message).toBe(
      "Invalid value: \"1st\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    );
    const long = 'x'.repeat(64);
    expect(causesOf(obj('Namespace', { name: long }))).toEqual([
      expect.objectContaining({
        message: `Invalid value: "${long}": must be no more than 63 characters`,
      }),
    ]);
    // too long and badly formed: two causes, and the message aggregates them in brackets
    const both = rejection(obj('Namespace', { name: `-${long}` }));
    expect(both.message).toBe(
      `Namespace "-${long}" is invalid: [metadata.name: Invalid value: "-${long}": must be no more than 63 characters, metadata.name: Invalid value: "-${long}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')]`,
    );
    expect(causesOf(obj('ConfigMap', { name: 'x'.repeat(254) }))).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/must be no more than 253 characters$/),
      }),
    ]);
    expect(() =>
      validate(
        resourceTypeOfKind('ConfigMap'),
        obj('ConfigMap', { name: 'x'.repeat(253) }),
      ),
    ).not.toThrow();
  });

  // ValidateLabels: IsQualifiedName for the key, IsValidLabelValue for the value, each at metadata.labels
  it('rejects label keys and values with the apiserver’s messages, and accepts an empty value', () => {
    const labelCauses = causesOf(
      obj('ConfigMap', {
        name: 'cm',
        labels: {
          a: '-bad',
          b: 'x'.repeat(64),
          c: '',
          d: 'A_b.c',
          'x/y/z': 'v',
        },
      }),
    );
    expect(labelCauses.map(c => [c.field, c.message])).toEqual([
      [
        'metadata.labels',
        "Invalid value: \"-bad\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      ],
      [
        'metadata.labels',
        `Invalid value: "${'x'.repeat(
          64,
        )}": must be no more than 63 characters`,
      ],
      [
        'metadata.labels',
        "Invalid value: \"x/y/z\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
      ],
    ]);
  });

  it('requires the template the VirtualMachine CRD schema requires', () => {
    expect(
      causesOf(obj('VirtualMachine', { name: 'vm' }, { runStrategy: 'Often' })),
    ).toEqual([
      expect.objectContaining({
        field: 'spec.template',
        reason: 'FieldValueRequired',
      }),
    ]);
  });
});
