import { protoMessage } from './protobufBody';

/**
 * A body as client-go's protobuf serializer writes it, for tests and benchmarks (apimachinery
 * `runtime/serializer/protobuf`, `Serializer.Encode`): the `k8s\x00` magic,
 * then a `runtime.Unknown` holding the kind's message. `value` is in the
 * message's own shape (protobufjs `fromObject`), not the JSON one.
 */
export function protobufBody(
  apiVersion: string,
  kind: string,
  messageName: string,
  value: object,
): Buffer {
  const type = protoMessage(messageName);
  const unknown = protoMessage('k8s.io.apimachinery.pkg.runtime.Unknown');
  if (!type || !unknown) throw new Error(`no message ${messageName}`);
  const raw = type.encode(type.fromObject(value)).finish();
  const envelope = unknown
    .encode(unknown.fromObject({ typeMeta: { apiVersion, kind }, raw }))
    .finish();
  return Buffer.concat([Buffer.from('k8s\x00', 'latin1'), envelope]);
}
