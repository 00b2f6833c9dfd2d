import type http from 'node:http';
import { StatusError } from '../errors';
import { checkPatchOptions, fieldManagerOf } from './applyRequest';

const withAgent = (agent?: string) =>
  ({ headers: agent ? { 'user-agent': agent } : {} } as http.IncomingMessage);

describe('fieldManagerOf (apiserver handlers/create.go managerOrUserAgent)', () => {
  it('takes the fieldManager parameter over the User-Agent', () => {
    expect(
      fieldManagerOf(
        new URLSearchParams('fieldManager=kubectl-edit'),
        withAgent('kubectl/v1.32.0 (linux/amd64) kubernetes/70d3cc9'),
      ),
    ).toBe('kubectl-edit');
  });

  it('defaults to the User-Agent up to its first slash, printable characters only, at most 128', () => {
    const q = new URLSearchParams();
    expect(
      fieldManagerOf(
        q,
        withAgent('kubectl/v1.32.0 (linux/amd64) kubernetes/70d3cc9'),
      ),
    ).toBe('kubectl');
    expect(fieldManagerOf(q, withAgent('my\u0007tool/1.0'))).toBe('mytool');
    expect(fieldManagerOf(q, withAgent('x'.repeat(200)))).toHaveLength(128);
    expect(fieldManagerOf(q, withAgent())).toBe('');
  });

  it('refuses a manager name over 128 on the options of the write (CreateOptions for a create)', () => {
    const create = { ...withAgent(), method: 'POST' } as http.IncomingMessage;
    expect(() =>
      fieldManagerOf(
        new URLSearchParams(`fieldManager=${'m'.repeat(129)}`),
        create,
      ),
    ).toThrow(
      'CreateOptions.meta.k8s.io "" is invalid: fieldManager: Too long: may not be more than 128 bytes',
    );
  });
});

describe('checkPatchOptions (apimachinery ValidatePatchOptions)', () => {
  const invalid = (contentType: string, query: string) => {
    try {
      checkPatchOptions(contentType, new URLSearchParams(query));
      return undefined;
    } catch (e) {
      return e as StatusError;
    }
  };

  it('answers 422 on PatchOptions for apply without a manager, force on another patch, a manager over 128', () => {
    expect(invalid('application/apply-patch+yaml', '')).toMatchObject({
      code: 422,
      message:
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    });
    expect(
      invalid('application/merge-patch+json', 'force=true')?.details?.causes,
    ).toEqual([
      {
        reason: 'FieldValueForbidden',
        message: 'Forbidden: may not be specified for non-apply patch',
        field: 'force',
      },
    ]);
    expect(
      invalid('application/json-patch+json', `fieldManager=${'m'.repeat(129)}`)
        ?.code,
    ).toBe(422);
    expect(
      invalid(
        'application/apply-patch+yaml',
        'fieldManager=kubectl&force=true',
      ),
    ).toBeUndefined();
  });
});
