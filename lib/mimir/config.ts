/**
 * A small typed model of Grafana Mimir's configuration for long-term metrics on Kubernetes
 * (the mimir-distributed chart's `mimir.structuredConfig`): S3 storage for blocks, ruler and
 * alertmanager state under one bucket with separate prefixes, ingester replication and
 * retention. Credentials are `${VAR}` placeholders the chart's `-config.expand-env=true`
 * fills from a Kubernetes Secret.
 *
 * Written against Mimir 2.14 (chart mimir-distributed 5.5): configuration reference
 * https://grafana.com/docs/mimir/v2.14.x/configure/configuration-parameters/
 */
import { Token } from 'cdktf';
import { DurationLike, resolveDuration } from '../core/duration';
import { literalSecretProblem } from '../core/secrets';

/** S3 (or S3-compatible) storage for Mimir. */
export interface MimirObjectStorage {
  /** `host[:port]` without a scheme, e.g. `s3.eu-central-1.amazonaws.com`. */
  readonly endpoint: string;
  /** One bucket; blocks, ruler and alertmanager state go under separate prefixes. */
  readonly bucket: string;
  /** Access key id: a token (sensitive variable). */
  readonly accessKeyId: string;
  /** Secret access key: a token (sensitive variable). */
  readonly secretAccessKey: string;
  /** @default - none */
  readonly region?: string;
  /** Plain HTTP to the endpoint. @default false */
  readonly insecure?: boolean;
}

/** Long-term metrics in Mimir (Kubernetes only). */
export interface MimirOptions {
  readonly objectStorage: MimirObjectStorage;
  /** Ingester replicas; the replication factor is 3 (or fewer with fewer replicas). @default 3 */
  readonly replicas?: number;
  /** How long blocks are kept (`compactor_blocks_retention_period`). @default - forever */
  readonly retention?: DurationLike;
}

/** Environment variables holding the S3 credentials. */
export const MIMIR_S3_ENV = { accessKeyId: 'MIMIR_S3_ACCESS_KEY_ID', secretAccessKey: 'MIMIR_S3_SECRET_ACCESS_KEY' } as const;

/** Problems with Mimir options (messages without location). */
export function mimirProblems(m: MimirOptions): string[] {
  const out: string[] = [];
  const s = m.objectStorage;
  if (!s) return ['mimir.objectStorage is required (got undefined): Mimir keeps blocks only in object storage. Pass { endpoint, bucket, accessKeyId, secretAccessKey }.'];
  if (typeof s.endpoint !== 'string' || (!Token.isUnresolved(s.endpoint) && !/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(s.endpoint))) {
    out.push(`mimir.objectStorage.endpoint must be host[:port] without a scheme (got ${JSON.stringify(s.endpoint)}). Use e.g. "s3.eu-central-1.amazonaws.com".`);
  }
  if (typeof s.bucket !== 'string' || (!Token.isUnresolved(s.bucket) && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(s.bucket))) {
    out.push(`mimir.objectStorage.bucket is not a valid S3 bucket name (got ${JSON.stringify(s.bucket)}). Use 3 to 63 lower-case letters, digits, '.' or '-', e.g. "mimir-blocks".`);
  }
  for (const [what, v] of [['accessKeyId', s.accessKeyId], ['secretAccessKey', s.secretAccessKey]] as const) {
    const p = literalSecretProblem(v);
    if (p) out.push(`mimir.objectStorage.${what} ${p}`);
  }
  if (typeof s.region === 'string' && !Token.isUnresolved(s.region) && s.region.includes('{{')) {
    // mimir-distributed renders its configuration through Helm's tpl.
    out.push(`mimir.objectStorage.region must not contain "{{" (got ${JSON.stringify(s.region)}): Helm would read it as a template. Use a region name such as "eu-central-1".`);
  }
  const replicas = m.replicas ?? 3;
  if (!Number.isSafeInteger(replicas) || replicas < 1) out.push(`mimir.replicas must be a positive integer (got ${JSON.stringify(m.replicas)}). Use 3 for replication.`);
  if (m.retention !== undefined) {
    const r = resolveDuration(m.retention);
    if (r.problem) out.push(`mimir.retention ${r.problem}`);
  }
  return out;
}

/** Mimir's configuration (object form, the chart's `mimir.structuredConfig`). */
export function renderMimirDocument(m: MimirOptions): Record<string, unknown> {
  const s = m.objectStorage;
  const replicas = m.replicas ?? 3;
  const doc: Record<string, unknown> = {
    // One tenant: Prometheus remote-writes without an X-Scope-OrgID header, which a
    // multi-tenant Mimir would refuse (401 "no org id").
    multitenancy_enabled: false,
    common: {
      storage: {
        backend: 's3',
        s3: {
          endpoint: s.endpoint,
          bucket_name: s.bucket,
          ...(s.region !== undefined ? { region: s.region } : {}),
          access_key_id: `\${${MIMIR_S3_ENV.accessKeyId}}`,
          secret_access_key: `\${${MIMIR_S3_ENV.secretAccessKey}}`,
          insecure: s.insecure ?? false,
        },
      },
    },
    blocks_storage: { storage_prefix: 'blocks' },
    alertmanager_storage: { storage_prefix: 'alertmanager' },
    ruler_storage: { storage_prefix: 'ruler' },
    ingester: { ring: { replication_factor: Math.min(3, replicas) } },
    usage_stats: { enabled: false },
  };
  if (m.retention !== undefined) doc.limits = { compactor_blocks_retention_period: resolveDuration(m.retention).text };
  return doc;
}
