import { LoggerService } from '@backstage/backend-plugin-api';
import { EventsService } from '@backstage/plugin-events-node';
import {
  KUBEVIRT_VM_EVENTS_TOPIC,
  VmChangeEvent,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { ClusterChange } from '../cache/ClusterCache';
import { VmSignalFanout } from './VmSignalFanout';

/**
 * Where each cluster change goes: as a signal to the users who may read the
 * VM (VmSignalFanout), and on the events service, every VM change, for
 * backend consumers (the catalog provider).
 */
export function publishVmChanges(options: {
  fanout: VmSignalFanout;
  events: EventsService;
  logger: LoggerService;
}) {
  const { fanout, events, logger } = options;
  return (change: ClusterChange) => {
    fanout.publish(change);
    const { namespace = '', name } = change.object.metadata;
    const eventPayload: VmChangeEvent = {
      type:
        change.kind === 'VirtualMachine'
          ? (change.type.toLowerCase() as VmChangeEvent['type'])
          : 'modified',
      cluster: change.cluster,
      namespace,
      name,
    };
    events
      .publish({ topic: KUBEVIRT_VM_EVENTS_TOPIC, eventPayload })
      .catch(e => logger.debug(`VM event not published: ${e}`));
  };
}
