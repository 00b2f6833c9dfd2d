import { z } from 'zod';

/** What the OpenAPI document says of a schema besides its shape. */
export interface OpenApiMeta {
  /** Its name under components.schemas. */
  id?: string;
  description?: string;
  example?: string;
  /** What a refinement checks, for the document (JSON Schema cannot hold the refinement itself). */
  pattern?: string;
  maxLength?: number;
}

/**
 * The schemas of the REST contract: every request body, query and response
 * the router serves, named here. The OpenAPI document is generated from it
 * (openApiDocument.ts), so a schema the broker validates with is the schema
 * the document shows.
 */
export const openApiSchemas = z.registry<OpenApiMeta>();

/** Names a schema in the document (components.schemas.<id>) and returns it unchanged. */
export function named<T extends z.ZodType>(
  id: string,
  schema: T,
  description?: string,
): T {
  openApiSchemas.add(schema, description ? { id, description } : { id });
  return schema;
}

/** Adds a description (and example) to a schema in the document. */
export function documented<T extends z.ZodType>(
  schema: T,
  meta: Omit<OpenApiMeta, 'id'>,
): T {
  openApiSchemas.add(schema, meta);
  return schema;
}
