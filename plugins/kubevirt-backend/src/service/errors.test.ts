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

  it('tells a plain-text 404 (an API nothing serves) from a Status NotFound, and a plain 503 of a down aggregated API', () => {
    const path =
      '/apis/subresources.kubevirt.io/v1/namespaces/payments/virtualmachines/db-0/start';
    const pageNotFound = toBackstageError(
      new KubernetesStatusError(
        404,
        { message: '404 page not found' },
        'east',
        undefined,
        { path },
      ),
      'Virtual machine payments/db-0',
    );
    expect(pageNotFound.name).toBe('ServiceUnavailableError');
    expect(pageNotFound.message).toBe(
      'Virtual machine payments/db-0: the KubeVirt API of cluster east is unavailable: the cluster does not serve subresources.kubevirt.io/v1 (virt-api: start, stop, console, hot-plug...)',
    );
    const down = toBackstageError(
      new KubernetesStatusError(
        503,
        { message: 'service unavailable' },
        'east',
        undefined,
        { path },
      ),
      'Virtual machine payments/db-0',
    );
    expect(down.name).toBe('ServiceUnavailableError');
    expect(down.message).toContain(
      'the KubeVirt API of cluster east is unavailable: subresources.kubevirt.io/v1 (virt-api: start, stop, console, hot-plug...) answered 503 service unavailable',
    );
    // virt-api's own answer for a VM that is not there: a Status (without kind) with details
    const missing = toBackstageError(
      new KubernetesStatusError(
        404,
        {
          status: 'Failure',
          reason: 'NotFound',
          message: 'virtualmachine.kubevirt.io "db-0" not found',
          details: { name: 'db-0', kind: 'virtualmachine' },
        },
        'east',
        undefined,
        { path },
      ),
      'Virtual machine payments/db-0',
    );
    expect(missing.name).toBe('NotFoundError');
    // a CRD group that is not installed
    expect(
      toBackstageError(
        new KubernetesStatusError(
          404,
          { message: '404 page not found' },
          'east',
          undefined,
          { path: '/apis/cdi.kubevirt.io/v1beta1/datavolumes' },
        ),
        'Reading',
      ).message,
    ).toBe(
      'Reading: an API of cluster east is unavailable: the cluster does not serve cdi.kubevirt.io/v1beta1',
    );
  });

  it('names the cluster once when the target already names it', () => {
    const failure = new KubernetesStatusError(
      500,
      { reason: 'InternalError', message: 'boom' },
      'real',
    );
    expect(toBackstageError(failure, 'Reading cluster real').message).toBe(
      'Reading cluster real: boom',
    );
    expect(toBackstageError(failure, 'Reading').message).toBe(
      'Reading on cluster real: boom',
    );
    // a cluster whose name starts like another's is not that one
    expect(toBackstageError(failure, 'Reading cluster real-2').message).toBe(
      'Reading cluster real-2 on cluster real: boom',
    );
    const forbidden = new KubernetesStatusError(
      403,
      { reason: 'Forbidden', message: 'no' },
      'real',
    );
    expect(toBackstageError(forbidden, 'Reading cluster real').message).toBe(
      'The broker lacks the right on cluster real: no',
    );
  });

  it('reads the wait a 429 asks for from Retry-After, else from the Status', () => {
    const body = {
      reason: 'TooManyRequests',
      message: 'storage is (re)initializing',
      details: { retryAfterSeconds: 1 },
    };
    expect(
      new KubernetesStatusError(429, body, 'east', undefined, {
        retryAfter: '3',
      }).retryAfterSeconds,
    ).toBe(3);
    expect(new KubernetesStatusError(429, body, 'east').retryAfterSeconds).toBe(
      1,
    );
    expect(
      new KubernetesStatusError(500, { message: 'x' }, 'east')
        .retryAfterSeconds,
    ).toBeUndefined();
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
