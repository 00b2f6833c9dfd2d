import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import type { Request } from 'express';

/**
 * The auditor names an event's actor from the HTTP request it is given (and
 * without one, names the plugin itself). Services know nothing of HTTP, so
 * the router registers each request under the credentials it resolved, and
 * callers that have no request of their own (the actions registry's MCP
 * tools) get one that carries a token on behalf of the same principal.
 */
export class AuditRequests {
  private readonly requests = new WeakMap<BackstageCredentials, Request>();

  constructor(private readonly auth: AuthService) {}

  remember(credentials: BackstageCredentials, request: Request) {
    this.requests.set(credentials, request);
  }

  async requestOf(
    credentials: BackstageCredentials,
  ): Promise<Request | undefined> {
    const known = this.requests.get(credentials);
    if (known) return known;
    if (!this.auth.isPrincipal(credentials, 'user')) return undefined;
    try {
      const { token } = await this.auth.getPluginRequestToken({
        onBehalfOf: credentials,
        targetPluginId: 'kubevirt',
      });
      const headers = { authorization: `Bearer ${token}` };
      const request = {
        headers,
        get: (name: string) =>
          headers[name.toLowerCase() as keyof typeof headers],
        header: (name: string) =>
          headers[name.toLowerCase() as keyof typeof headers],
      } as unknown as Request;
      this.requests.set(credentials, request);
      return request;
    } catch {
      // no token on the user's behalf (expired): the event still carries the user in its meta
      return undefined;
    }
  }
}
