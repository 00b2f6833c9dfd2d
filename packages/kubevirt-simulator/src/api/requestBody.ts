import type http from 'node:http';
import YAML from 'yaml';
import { errors, StatusError } from './errors';
import { decodeProtobuf, PROTOBUF } from './protobuf/protobufBody';
import type { ResourceType } from '../store/resources';

const MAX_BODY = 3 * 1024 * 1024;

export async function readBodyBytes(
  req: http.IncomingMessage,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY) throw errors.tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function parseJson(text: string) {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw errors.badRequest(
      `Object 'Kind' is missing in '${text.slice(0, 80)}'`,
    );
  }
}

const ALL_TYPES = ['application/json', 'application/yaml', PROTOBUF];

/**
 * The media types an object body may come in: built-in kinds also take
 * protobuf, custom resources only JSON and YAML (apiextensions-apiserver's
 * serializer has no protobuf).
 */
const mediaTypesOf = (type: ResourceType) =>
  type.builtin ? ALL_TYPES : ['application/json', 'application/yaml'];

/**
 * Decodes an object body (create, update) by its Content-Type, as
 * apiserver's `negotiation.NegotiateInputSerializerForMediaType` picks the
 * serializer: no Content-Type is the first (JSON), an unknown one is 415
 * listing what the resource accepts.
 */
export function decodeObjectBody(
  type: ResourceType,
  contentType: string | undefined,
  body: Buffer,
): any {
  return decodeBody(mediaTypesOf(type), contentType, body);
}

/**
 * Decodes DeleteOptions: `handlers/delete.go` negotiates a body only when
 * there is one, with the meta codecs (JSON, YAML and protobuf for every
 * resource, custom ones too).
 */
export function decodeOptionsBody(
  contentType: string | undefined,
  body: Buffer,
): any {
  return decodeBody(ALL_TYPES, contentType, body);
}

function decodeBody(
  accepted: string[],
  contentType: string | undefined,
  body: Buffer,
): any {
  if (!body.length) return undefined;
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (mediaType && !accepted.includes(mediaType))
    throw new StatusError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${accepted.join(
        ', ',
      )}`,
    );
  if (mediaType === PROTOBUF) return decodeProtobuf(body);
  const text = body.toString('utf8');
  if (mediaType !== 'application/yaml') return parseJson(text);
  if (!text.trim()) return undefined;
  try {
    return YAML.parse(text);
  } catch (e) {
    throw errors.badRequest(
      `error converting YAML to JSON: ${(e as Error).message.split('\n')[0]}`,
    );
  }
}

/**
 * The simulator answers JSON. A client that accepts JSON too (client-go's
 * typed clients send `application/vnd.kubernetes.protobuf,application/json`)
 * gets it; one that accepts only protobuf is answered 406, as the apiserver
 * answers an Accept it cannot serve, rather than bytes it cannot read.
 */
export function checkAccept(accept: string | undefined) {
  if (!accept) return;
  const types = accept.split(',').map(t => t.split(';')[0].trim());
  if (
    types.some(
      t =>
        t === '' ||
        t === '*/*' ||
        t === 'application/*' ||
        t === 'application/json',
    )
  )
    return;
  if (types.some(t => t === PROTOBUF))
    throw new StatusError(
      406,
      'NotAcceptable',
      'only the following media types are accepted: application/json',
    );
}
