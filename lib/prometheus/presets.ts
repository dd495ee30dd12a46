import { DurationLike } from '../core/duration';
import { RuleGroup } from './rules';

/** Options for the RED recording rules. */
export interface RedRulesOptions {
  /**
   * Restrict the rules to one service (`{service="<name>"}`); the group is then named
   * `red_<service>`. @default - every service, aggregated `by (service)`
   */
  readonly service?: string;
  /** Counter of requests. @default 'http_requests_total' */
  readonly requestsMetric?: string;
  /** Histogram of request durations in seconds (without `_bucket`). @default 'http_request_duration_seconds' */
  readonly durationMetric?: string;
  /** Label holding the HTTP status. @default 'status' */
  readonly statusLabel?: string;
  /** Regex of error statuses. @default '5..' */
  readonly errorStatusRegex?: string;
  /** Label that names the service. @default 'service' */
  readonly serviceLabel?: string;
  /** @default '30s' */
  readonly interval?: DurationLike;
  /** @default - 'http_rules', or 'red_<service>' */
  readonly groupName?: string;
}

/** Options for the USE node recording rules. */
export interface NodeUseRulesOptions {
  /** Mount point watched for disk space. @default '/' */
  readonly mountpoint?: string;
  /** @default '1m' */
  readonly interval?: DurationLike;
  /** @default 'node_rules' */
  readonly groupName?: string;
}

/** Ready-made rule sets from the course, added in one call with `addRuleGroup`. */
export class RuleSets {
  /**
   * RED recording rules: `service:http_requests:rate5m`, `service:http_errors:ratio5m`,
   * `service:http_latency:p99_5m`.
   */
  public static red(options: RedRulesOptions = {}): RuleGroup {
    const req = options.requestsMetric ?? 'http_requests_total';
    const dur = options.durationMetric ?? 'http_request_duration_seconds';
    const status = options.statusLabel ?? 'status';
    const errors = options.errorStatusRegex ?? '5..';
    const by = options.serviceLabel ?? 'service';
    const sel = options.service !== undefined ? `${by}=${JSON.stringify(options.service)}` : '';
    const withSel = (extra?: string) => {
      const parts = [sel, extra].filter(Boolean);
      return parts.length ? `{${parts.join(', ')}}` : '';
    };
    return {
      name: options.groupName ?? (options.service !== undefined ? `red_${options.service}` : 'http_rules'),
      interval: options.interval ?? '30s',
      rules: [
        { record: `${by}:http_requests:rate5m`, expr: `sum by (${by}) (rate(${req}${withSel()}[5m]))` },
        {
          record: `${by}:http_errors:ratio5m`,
          expr: `sum by (${by}) (rate(${req}${withSel(`${status}=~${JSON.stringify(errors)}`)}[5m]))\n/\nsum by (${by}) (rate(${req}${withSel()}[5m]))`,
        },
        {
          record: `${by}:http_latency:p99_5m`,
          expr: `histogram_quantile(0.99,\n  sum by (${by}, le) (rate(${dur}_bucket${withSel()}[5m]))\n)`,
        },
      ],
    };
  }

  /**
   * USE recording rules for nodes: `instance:node_cpu:utilization`,
   * `instance:node_memory:utilization`, `instance:node_disk:predicted_full_hours`.
   */
  public static nodeUse(options: NodeUseRulesOptions = {}): RuleGroup {
    const mp = JSON.stringify(options.mountpoint ?? '/');
    return {
      name: options.groupName ?? 'node_rules',
      interval: options.interval ?? '1m',
      rules: [
        { record: 'instance:node_cpu:utilization', expr: '1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))' },
        { record: 'instance:node_memory:utilization', expr: '1 - (node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes)' },
        {
          record: 'instance:node_disk:predicted_full_hours',
          expr: `-1 * (\n  node_filesystem_avail_bytes{mountpoint=${mp}}\n  /\n  deriv(node_filesystem_avail_bytes{mountpoint=${mp}}[6h])\n) / 3600`,
        },
      ],
    };
  }
}
