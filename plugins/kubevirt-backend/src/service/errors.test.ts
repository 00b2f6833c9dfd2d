import { KubernetesStatusError } from '../clusters/ClusterClient';
import { UnreachableError } from '../clusters/httpJson';
import { toBackstageError } from './errors';

const status = (code: number, reason: string | undefined, message: string) =>
  new KubernetesStatusError(code, { reason, message }, 'east');

describe('toBackstageError', () => {
  it.each([
    [422, 'Invalid', 'InputError'],
    [400, 'BadRequest', 'InputError'],
    [403, 'Forbidden', 'NotAllowedError'],
    [404, 'NotFound', 'NotFoundError'],
    [409, 'Conflict', 'ConflictError'],
    [409, 'AlreadyExists', 'ConflictError'],
    [504, 'Timeout', 'ServiceUnavailableError'],
    [429, 'TooManyRequests', 'ServiceUnavailableError'],
    [500, 'InternalError', 'ServiceUnavailableError'],
    [415, undefined, 'InputError'],
    [409, undefined, 'ConflictError'],
  ])(
    'maps HTTP %i %s to %s, naming the cluster and target',
    (code, reason, name) => {
      const error = toBackstageError(
        status(code, reason, 'the cluster said no'),
        'Virtual machine payments/db-0',
      );
      expect(error.name).toBe(name);
      expect(error.message).toBe(
        name === 'NotAllowedError'
          ? 'The broker lacks the right on cluster east: Virtual machine payments/db-0: the cluster said no'
          : 'Virtual machine payments/db-0 on cluster east: the cluster said no',
      );
    },
  );

  it('tells refused credentials, a missing right of the broker and a refused impersonated user apart', () => {
    const target = 'Virtual machine payments/db-0';
    expect(
      toBackstageError(status(401, 'Unauthorized', 'Unauthorized'), target)
        .message,
    ).toBe(
      "Cluster east answered 401: the broker's credentials were refused: Virtual machine payments/db-0: Unauthorized",
    );
    const refused = toBackstageError(
      new KubernetesStatusError(
        403,
        {
          reason: 'Forbidden',
          message: 'User "jane@example.com" cannot update',
        },
        'east',
        'jane@example.com',
      ),
      target,
    );
    expect(refused.name).toBe('NotAllowedError');
    expect(refused.message).toBe(
      'The cluster east refused jane@example.com: Virtual machine payments/db-0: User "jane@example.com" cannot update',
    );
  });

  it('says a cluster is unreachable, naming it once', () => {
    const error = toBackstageError(
      new UnreachableError('cluster east', {
        code: 'ECONNREFUSED',
        message: 'connect ECONNREFUSED 10.0.0.1:6443',
      }),
      'Virtual machine payments/db-0',
    );
    expect(error.name).toBe('ServiceUnavailableError');
    expect(error.message).toBe(
      'Virtual machine payments/db-0: cluster east is unreachable: connect ECONNREFUSED 10.0.0.1:6443',
    );
  });

  it("treats KubeVirt's wrong-state 500s as conflicts", () => {
    expect(
      toBackstageError(
        status(
          500,
          'InternalError',
          'unable to complete request: stop/start already underway',
        ),
        'VM',
      ).name,
    ).toBe('ConflictError');
    expect(
      toBackstageError(
        status(
          500,
          'InternalError',
          'admission webhook "migration-create-validator.kubevirt.io" denied the request: in-flight migration detected.',
        ),
        'VM',
      ).name,
    ).toBe('ConflictError');
    expect(
      toBackstageError(
        status(
          422,
          'Invalid',
          'VirtualMachine "db" run strategy has to be Halted',
        ),
        'VM',
      ).name,
    ).toBe('ConflictError');
  });

  it('says the cluster did not answer for network failures', () => {
    const error = toBackstageError(
      new Error('connect ECONNREFUSED 127.0.0.1:6443'),
      'Virtual machine a/b',
    );
    expect(error.name).toBe('ServiceUnavailableError');
    expect(error.message).toBe(
      'Virtual machine a/b: the cluster did not answer (connect ECONNREFUSED 127.0.0.1:6443)',
    );
  });
});
