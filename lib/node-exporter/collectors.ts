/**
 * The collectors node exporter v1.12.1 registers (collector/*.go `registerCollector`, every
 * platform), each switched with `--collector.<name>` / `--no-collector.<name>`. Read from
 * prometheus/node_exporter at tag v1.12.1 (commit 6044da783597cc3b57aef7580ddcdcff58a4ee99);
 * test/lib/prometheus/engine-facts.test.ts checks this list against
 * test/fixtures/engines/node-exporter-1.12.1.json.
 */
export const NODE_EXPORTER_COLLECTORS: readonly string[] = [
  'arp', 'bcache', 'bonding', 'boottime', 'btrfs', 'buddyinfo', 'conntrack', 'cpu', 'cpufreq',
  'devstat', 'diskstats', 'dmi', 'dmmultipath', 'drbd', 'drm', 'edac', 'entropy', 'ethtool',
  'exec', 'fibrechannel', 'filesystem', 'hwmon', 'infiniband', 'interrupts', 'ipvs', 'kernel_hung',
  'ksmd', 'lnstat', 'loadavg', 'logind', 'mdadm', 'meminfo', 'meminfo_numa', 'mountstats',
  'netclass', 'netdev', 'netinterface', 'netisr', 'netstat', 'network_route', 'nfs', 'nfsd', 'ntp',
  'nvme', 'nvmesubsystem', 'os', 'partition', 'pcidevice', 'powersupplyclass', 'pressure',
  'processes', 'qdisc', 'runit', 'schedstat', 'selinux', 'slabinfo', 'softirqs', 'softnet', 'stat',
  'supervisord', 'swap', 'sysctl', 'systemd', 'tapestats', 'tcpstat', 'textfile', 'thermal_zone',
  'time', 'timex', 'udp_queues', 'uname', 'vmstat', 'watchdog', 'wifi', 'xfrm', 'xfs', 'zfs',
  'zoneinfo',
];
