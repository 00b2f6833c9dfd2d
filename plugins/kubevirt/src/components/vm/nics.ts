import { VmDetail } from '@kubevirt-backstage/plugin-kubevirt-common';

/*
 * The VM's NICs as the network tab shows them and the interface dialogs check them
 * (a new NIC's name must be free; a hot-plug is done when the NIC appears). Its own
 * file so that the tab and the dialogs it opens do not import each other.
 */

export interface NicRow {
  name: string;
  binding: string;
  model: string;
  network: string;
  mac: string;
  ips: string;
  guestName: string;
}

const bindings = ['masquerade', 'bridge', 'sriov', 'slirp', 'passt', 'binding'];

/** The VM's NICs from its spec, with what the running instance reports for each (MAC, IPs, guest name). */
export function nicsOf(detail: VmDetail): NicRow[] {
  const spec = (detail.vm as any)?.spec?.template?.spec ?? {};
  const interfaces: any[] = spec.domain?.devices?.interfaces ?? [];
  const networks: any[] = spec.networks ?? [];
  const live: any[] = (detail.vmi as any)?.status?.interfaces ?? [];
  return interfaces.map(i => {
    const network = networks.find(n => n.name === i.name) ?? {};
    const status = live.find(l => l.name === i.name) ?? {};
    return {
      name: i.name,
      binding: bindings.find(b => i[b]) ?? '—',
      model: i.model ?? 'virtio',
      network: network.pod ? 'Pod network' : network.multus?.networkName ?? '—',
      mac: status.mac ?? i.macAddress ?? '—',
      ips:
        (
          status.ipAddresses ?? (status.ipAddress ? [status.ipAddress] : [])
        ).join(', ') || '—',
      guestName: status.interfaceName ?? '—',
    };
  });
}
