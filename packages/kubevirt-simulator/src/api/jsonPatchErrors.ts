import { StatusError } from './errors';

/**
 * A JSON patch whose `test` operation fails: patch.go applyJSPatch answers
 * errors.NewGenericServerResponse(422, …) with json-patch's error as the
 * cause ("testing value <path> failed: test failed", evanphx/json-patch
 * Patch.test). 422, not 409: the request itself is wrong, and clients
 * retry a 409.
 */
export function failedPatchTest(
  err: Error & { operation?: { path?: string } },
) {
  return new StatusError(
    422,
    'Invalid',
    'the server rejected our request due to an error in our request',
    {
      causes: [
        {
          reason: 'UnexpectedServerResponse',
          message: `testing value ${
            err.operation?.path ?? ''
          } failed: test failed`,
        },
      ],
    },
  );
}
