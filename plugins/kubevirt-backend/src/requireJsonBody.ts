import { CustomErrorBase } from '@backstage/errors';
import type { NextFunction, Request, Response } from 'express';

/** 415: the request has a body in a media type the route does not read. */
export class UnsupportedMediaTypeError extends CustomErrorBase {
  readonly statusCode = 415;
}

const hasBody = (req: Request) =>
  req.headers['transfer-encoding'] !== undefined ||
  (req.headers['content-length'] !== undefined &&
    req.headers['content-length'] !== '0');

/**
 * Every route that takes a body reads JSON. A body in any other media type
 * (text/plain, a form, multipart) or without one is refused with 415 before
 * anything runs, instead of being skipped by the JSON parser and read as `{}`.
 */
export function requireJsonBody() {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (hasBody(req) && !req.is('application/json')) {
      const type = req.headers['content-type'];
      next(
        new UnsupportedMediaTypeError(
          `Unsupported media type ${
            type ? JSON.stringify(type) : '(none given)'
          }: send the request body as application/json`,
        ),
      );
      return;
    }
    next();
  };
}
