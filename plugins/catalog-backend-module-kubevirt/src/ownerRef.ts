import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';

const NAME = /^[A-Za-z0-9][-A-Za-z0-9_.]{0,62}$/;
const KIND = /^[A-Za-z][A-Za-z0-9]*$/;

/**
 * An owner as a full entity ref (`team-a` → `group:default/team-a`); throws
 * for what the catalog would reject, since parseEntityRef alone accepts
 * `a:b:c` as kind `a`, name `b:c`.
 */
export function toOwnerRef(
  value: string,
  defaultNamespace = 'default',
): string {
  const ref = parseEntityRef(value.trim(), {
    defaultKind: 'group',
    defaultNamespace,
  });
  if (
    !KIND.test(ref.kind) ||
    !NAME.test(ref.namespace) ||
    !NAME.test(ref.name)
  ) {
    throw new TypeError(
      `"${value}" is not an entity ref like group:default/team-a`,
    );
  }
  return stringifyEntityRef(ref);
}
