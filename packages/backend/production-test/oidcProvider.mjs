#!/usr/bin/env node
/*
 * A local OpenID Provider for the production end-to-end test: the npm package oidc-provider (a
 * certified OpenID Provider implementation) with its built-in login form (devInteractions: any
 * password is accepted for a known login). Users come from a JSON file; the Backstage backend is a
 * confidential client of it, exactly as it would be of Keycloak or Dex.
 *
 *   node oidcProvider.mjs --port 7109 --users users.json --client-id ID --client-secret SECRET \
 *     --redirect-uri http://localhost:7107/api/auth/oidc/handler/frame [--redirect-uri ...]
 *
 * users.json: { "<login>": { "email": "...", "name": "..." } }
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import Provider from 'oidc-provider';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    users: { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true },
  },
});
for (const key of [
  'port',
  'users',
  'client-id',
  'client-secret',
  'redirect-uri',
]) {
  if (!values[key]) {
    process.stderr.write(`oidcProvider: --${key} is required\n`);
    process.exit(2);
  }
}

const users = JSON.parse(fs.readFileSync(values.users, 'utf8'));
const issuer = `http://localhost:${values.port}`;
const scopes = 'openid email profile';

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: values['client-id'],
      client_secret: values['client-secret'],
      redirect_uris: values['redirect-uri'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    },
  ],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  async findAccount(_ctx, id) {
    const user = users[id];
    if (!user) return undefined;
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          email: user.email,
          email_verified: true,
          name: user.name,
        };
      },
    };
  },
  // Backstage keeps the session with the refresh token (its /refresh endpoint), as with any IdP
  // that issues one to a confidential client.
  async issueRefreshToken(_ctx, client) {
    return client.grantTypeAllowed('refresh_token');
  },
  // the portal is a first-party client: no consent screen after the login form
  async loadExistingGrant(ctx) {
    const grantId =
      ctx.oidc.result?.consent?.grantId ||
      ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(scopes);
    grant.addOIDCClaims(['email', 'email_verified', 'name']);
    await grant.save();
    return grant;
  },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: [values['client-secret']] },
});
// no unhandled error output for an expected failed login
provider.on('server_error', (_ctx, error) => {
  process.stderr.write(`oidcProvider: ${error.stack}\n`);
});

const server = provider.listen(Number(values.port), '127.0.0.1', () => {
  process.stdout.write(`oidc-provider listening on ${issuer}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
