export interface Config {
  app?: {
    signIn?: {
      /**
       * Sign-in options shown on the sign-in page, in order. Each must be a provider the backend
       * runs (auth.providers). Default: guest (local development only).
       * @visibility frontend
       */
      providers?: Array<'guest' | 'oidc' | 'github'>;
      /**
       * Name of the OpenID Connect identity provider on the sign-in page (default: SSO).
       * @visibility frontend
       */
      oidcTitle?: string;
    };
  };
}
