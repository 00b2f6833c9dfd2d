import {
  BackstageCredentials,
  PermissionsService,
  resolveSafeChildPath,
} from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  Entity,
  makeValidator,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { catalogLocationCreatePermission } from '@backstage/plugin-catalog-common/alpha';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import fs from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { pollUntil } from '../util/poll';
import { DEFAULT_POLL_MS, Z } from './deps';

/** Kinds a template may register; never Location (it could point anywhere on the backend's disk), User or Group. */
const LOCAL_KINDS = ['Component', 'API', 'Resource', 'System', 'Domain'];

export interface RegisterLocalDeps {
  catalog: CatalogService;
  permissions: PermissionsService;
  /** Absolute directory that a `file` location in catalog.locations reads (`<dir>/*.yaml`); unset = action disabled. */
  directory?: string;
  pollIntervalMs?: number;
}

const validator = makeValidator();

function checkEntity(value: unknown, where: string): Entity {
  const entity = value as Entity;
  if (
    !entity ||
    typeof entity !== 'object' ||
    typeof entity.apiVersion !== 'string' ||
    typeof entity.kind !== 'string'
  ) {
    throw new InputError(
      `${where}: not an entity (apiVersion, kind and metadata.name are required)`,
    );
  }
  if (!LOCAL_KINDS.includes(entity.kind)) {
    throw new InputError(
      `${where}: kind ${
        entity.kind
      } cannot be registered locally; allowed: ${LOCAL_KINDS.join(', ')}`,
    );
  }
  const name = entity.metadata?.name;
  if (typeof name !== 'string' || !validator.isValidEntityName(name)) {
    throw new InputError(
      `${where}: metadata.name "${name}" is not a valid entity name`,
    );
  }
  const namespace = entity.metadata.namespace ?? 'default';
  if (!validator.isValidNamespace(namespace))
    throw new InputError(
      `${where}: metadata.namespace "${namespace}" is not valid`,
    );
  return entity;
}

/** Location entities whose file target lies in the directory: refreshing them makes the catalog read new files now. */
async function locationsReading(
  catalog: CatalogService,
  directory: string,
  credentials: BackstageCredentials,
) {
  const { items } = await catalog.getEntities(
    {
      filter: { kind: 'Location' },
      fields: ['kind', 'metadata.name', 'metadata.namespace', 'spec'],
    },
    { credentials },
  );
  return items.filter(location => {
    const spec = (location.spec ?? {}) as {
      type?: string;
      target?: string;
      targets?: string[];
    };
    if (spec.type && spec.type !== 'file') return false;
    return [spec.target, ...(spec.targets ?? [])].some(
      t =>
        typeof t === 'string' &&
        path.resolve(t).startsWith(directory + path.sep),
    );
  });
}

/**
 * `kubevirt:catalog:register-local`: the local stand-in for publish + catalog:register
 * when there is no git host. It writes each entity as one YAML file into a
 * directory that a `file` location of the catalog reads, asks the catalog to
 * read that location now, and waits until the entities are in the catalog.
 */
export function createRegisterLocalAction(deps: RegisterLocalDeps) {
  const intervalMs = deps.pollIntervalMs ?? DEFAULT_POLL_MS;
  return createTemplateAction({
    id: 'kubevirt:catalog:register-local',
    description:
      "Registers catalog entities without a git host: writes them into the directory configured as scaffolder.kubevirt.localCatalogDirectory (read by a file location in catalog.locations), refreshes that location and waits until they are in the catalog. Needs the initiator's catalog.location.create permission. Re-running with the same entity is success; a different entity of that name is an error. With a git host, use publish:* and catalog:register instead.",
    examples: [
      {
        description:
          'Register the catalog-info.yaml that fetch:template rendered into the workspace',
        example: `steps:
  - id: register
    name: Register in the catalog
    action: kubevirt:catalog:register-local
    input:
      filePath: catalog-info.yaml`,
      },
      {
        description: 'Register an entity given inline',
        example: `steps:
  - id: register
    name: Register in the catalog
    action: kubevirt:catalog:register-local
    input:
      entity:
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: \${{ parameters.name }}
          annotations:
            backstage.io/kubernetes-id: \${{ parameters.name }}
        spec:
          type: service
          lifecycle: experimental
          owner: \${{ parameters.owner }}`,
      },
    ],
    supportsDryRun: true,
    schema: {
      input: {
        entity: (z: Z) =>
          z
            .record(z.unknown())
            .optional()
            .describe('The entity to register; or give filePath'),
        filePath: (z: Z) =>
          z
            .string()
            .optional()
            .describe(
              'A YAML file in the workspace holding one or more entities, e.g. catalog-info.yaml',
            ),
        waitForEntity: (z: Z) =>
          z
            .boolean()
            .optional()
            .describe('Wait until the catalog has the entities; default true'),
        timeoutSeconds: (z: Z) =>
          z
            .number()
            .int()
            .min(1)
            .max(3600)
            .optional()
            .describe('How long to wait; default 120'),
      },
      output: {
        entityRef: (z: Z) =>
          z.string().describe('Ref of the (first) registered entity'),
        entityRefs: (z: Z) =>
          z.array(z.string()).describe('Refs of every registered entity'),
      },
    },
    async handler(ctx) {
      const { directory } = deps;
      if (!directory) {
        throw new InputError(
          'Local catalog registration is off: set scaffolder.kubevirt.localCatalogDirectory and add a file location for <dir>/*.yaml to catalog.locations, or publish to a git host and use catalog:register',
        );
      }
      if (!ctx.input.entity === !ctx.input.filePath)
        throw new InputError('Give either entity or filePath');
      let docs: unknown[];
      if (ctx.input.entity) {
        docs = [ctx.input.entity];
      } else {
        const file = resolveSafeChildPath(
          ctx.workspacePath,
          ctx.input.filePath!,
        );
        const text = await fs.readFile(file, 'utf8').catch(() => {
          throw new InputError(
            `filePath ${ctx.input.filePath}: no such file in the workspace`,
          );
        });
        docs = YAML.parseAllDocuments(text)
          .map(d => d.toJSON())
          .filter(d => d !== null && d !== undefined);
      }
      const entities = docs.map((d, i) =>
        checkEntity(
          d,
          ctx.input.entity
            ? 'entity'
            : `${ctx.input.filePath} (document ${i + 1})`,
        ),
      );

      const credentials = await ctx.getInitiatorCredentials();
      const [decision] = await deps.permissions.authorize(
        [{ permission: catalogLocationCreatePermission }],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(
          'You may not register catalog entities (catalog.location.create)',
        );
      }

      const planned = [];
      for (const entity of entities) {
        const ref = stringifyEntityRef(entity);
        const file = path.join(
          directory,
          `${ref.replace(/[:/]/g, '.')}.yaml`.toLocaleLowerCase('en-US'),
        );
        const content = `# registered by kubevirt:catalog:register-local (task ${
          ctx.task.id
        })\n${YAML.stringify(entity)}`;
        const before = await fs.readFile(file, 'utf8').catch(() => undefined);
        const same =
          before !== undefined &&
          YAML.stringify(YAML.parse(before)) === YAML.stringify(entity);
        if (before !== undefined && !same) {
          throw new ConflictError(
            `${ref} is already registered locally (${file}) with different content; pick another name`,
          );
        }
        const inCatalog = await deps.catalog.getEntityByRef(ref, {
          credentials,
        });
        const location = inCatalog?.metadata.annotations?.[ANNOTATION_LOCATION];
        if (inCatalog && location !== `file:${file}`) {
          throw new ConflictError(
            `${ref} already exists in the catalog, from ${
              location ?? 'another source'
            }; pick another name`,
          );
        }
        planned.push({
          entity,
          ref,
          file,
          content,
          write: before === undefined,
        });
      }
      ctx.output('entityRef', planned[0]?.ref ?? '');
      ctx.output(
        'entityRefs',
        planned.map(p => p.ref),
      );
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would register ${planned
            .map(p => p.ref)
            .join(', ')} in ${directory}`,
        );
        return;
      }

      await fs.mkdir(directory, { recursive: true });
      for (const p of planned) {
        if (p.write) {
          await fs.writeFile(p.file, p.content, 'utf8');
          ctx.logger.info(`Wrote ${p.ref} to ${p.file}`);
        } else {
          ctx.logger.info(`${p.ref} is already registered locally (${p.file})`);
        }
      }
      const locations = await locationsReading(
        deps.catalog,
        directory,
        credentials,
      );
      if (!locations.length) {
        ctx.logger.warn(
          `No catalog location reads ${directory}; add { type: file, target: ${path.join(
            directory,
            '*.yaml',
          )} } to catalog.locations`,
        );
      }
      for (const location of locations) {
        await deps.catalog.refreshEntity(stringifyEntityRef(location), {
          credentials,
        });
        ctx.logger.info(
          `Asked the catalog to read ${stringifyEntityRef(location)} again`,
        );
      }
      if (ctx.input.waitForEntity === false) return;
      const seconds = ctx.input.timeoutSeconds ?? 120;
      for (const p of planned) {
        await pollUntil({
          read: () => deps.catalog.getEntityByRef(p.ref, { credentials }),
          done: e => !!e,
          timeoutMs: seconds * 1000,
          intervalMs,
          signal: ctx.signal,
          timeoutMessage: () =>
            `${p.ref} was written to ${p.file} but is not in the catalog after ${seconds}s; check the catalog's processing errors for that file`,
        });
        ctx.logger.info(`${p.ref} is in the catalog`);
      }
    },
  });
}
