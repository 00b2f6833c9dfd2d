/**
 * Subprotocols of the broker's console websocket. Browsers cannot set headers
 * on a websocket, so the Backstage token travels as a second subprotocol
 * `<prefix><base64url(token), no padding>` (the kube-apiserver's convention for
 * its own bearer subprotocol); the broker answers with `plain.kubevirt.io`.
 */
export const VM_CONSOLE_PROTOCOL = 'plain.kubevirt.io';
export const VM_CONSOLE_TOKEN_PROTOCOL_PREFIX =
  'base64url.bearer.authorization.backstage.io.';

/**
 * Close codes of the console websocket beyond the standard ones: 4000 + the
 * HTTP status of the refusal (4403 no console permission, 4404 no such VM or
 * instance, 4400 VM not running / no console device, 4409 wrong state, 4503
 * cluster unreachable); the close reason carries the message.
 */
export const vmConsoleCloseCode = (httpStatus: number) => 4000 + httpStatus;
