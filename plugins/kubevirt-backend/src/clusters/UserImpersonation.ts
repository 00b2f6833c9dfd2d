import {
  AuthService,
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { NotAllowedError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { Actor, Impersonation } from './impersonation';

export type ImpersonatedUserName = 'email' | 'name' | 'entityRef';

/**
 * How a Backstage user is named to a cluster that impersonates
 * (`kubevirt.impersonation`): the user as the catalog User's email, its name
 * or its entity ref, and their ownership groups as `<groupPrefix><name>`
 * (`<groupPrefix><namespace>/<name>` outside the default namespace).
 */
export class UserImpersonation {
  constructor(
    private readonly deps: {
      catalog: CatalogService;
      auth: AuthService;
      userInfo: UserInfoService;
    },
    private readonly userName: ImpersonatedUserName = 'email',
    private readonly groupPrefix = 'backstage:',
  ) {}

  static fromConfig(
    config: Config,
    deps: UserImpersonation['deps'],
  ): UserImpersonation {
    const section = config.getOptionalConfig('kubevirt.impersonation');
    const userName = (section?.getOptionalString('user') ??
      'email') as ImpersonatedUserName;
    if (!['email', 'name', 'entityRef'].includes(userName))
      throw new Error(
        `kubevirt.impersonation.user must be email, name or entityRef, not ${userName}`,
      );
    return new UserImpersonation(
      deps,
      userName,
      section?.getOptionalString('groupPrefix') ?? 'backstage:',
    );
  }

  /** The actor of a request's credentials: a user is impersonated; a service is the broker. */
  actorFor(credentials: BackstageCredentials): Actor {
    return async () => {
      if (!this.deps.auth.isPrincipal(credentials, 'user')) return undefined;
      return this.identityOf(credentials);
    };
  }

  private async identityOf(
    credentials: BackstageCredentials<{ type: 'user'; userEntityRef: string }>,
  ): Promise<Impersonation> {
    const ref = credentials.principal.userEntityRef;
    const info = await this.deps.userInfo.getUserInfo(credentials);
    const groups = info.ownershipEntityRefs
      .map(r => parseEntityRef(r))
      .filter(r => r.kind.toLowerCase() === 'group')
      .map(
        r =>
          `${this.groupPrefix}${
            r.namespace === 'default' ? r.name : `${r.namespace}/${r.name}`
          }`,
      );
    return { user: await this.userNameOf(ref), groups };
  }

  private async userNameOf(ref: string): Promise<string> {
    if (this.userName === 'entityRef') return ref;
    if (this.userName === 'name') return parseEntityRef(ref).name;
    const user = await this.deps.catalog.getEntityByRef(ref, {
      credentials: await this.deps.auth.getOwnServiceCredentials(),
    });
    const email = (user?.spec as { profile?: { email?: string } } | undefined)
      ?.profile?.email;
    if (!email)
      throw new NotAllowedError(
        `The broker acts as the signed-in user on this cluster, named by the email of their catalog User, and ${ref} has none`,
      );
    return email;
  }
}
