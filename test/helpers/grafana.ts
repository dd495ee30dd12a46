import * as fs from 'fs';
import * as path from 'path';
import { RE2JS } from 're2js';
import { unescapeTemplate } from '../../lib/core/tf-escape';
import { SynthJson, resources } from './synth';

// ---------------------------------------------------------------------------------------------
// The provider's schema (a fixture extracted from grafana/grafana 4.45.1's schema JSON)
// ---------------------------------------------------------------------------------------------

interface BlockSchema {
  readonly attributes: Record<string, 'required' | 'optional' | 'computed'>;
  readonly blocks: Record<string, BlockSchema & { nesting: string; min?: number; max?: number }>;
}

const SCHEMA = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/grafana/provider-schema-alerting.json'), 'utf8')) as { resources: Record<string, BlockSchema> };
/** Terraform's meta-arguments, allowed on every resource. */
const META = new Set(['depends_on', 'provider', 'count', 'for_each', 'lifecycle', '//']);

/**
 * Problems of a synthesized resource against the provider schema: unknown attributes or
 * blocks, missing required attributes, required blocks absent, blocks over their max items,
 * computed-only attributes set. Paths name where (`rule[0].data[1].model`).
 */
export function schemaProblems(type: string, resource: Record<string, unknown>): string[] {
  const schema = SCHEMA.resources[type];
  if (!schema) throw new Error(`no schema fixture for ${type}`);
  return blockProblems(schema, resource, type, true);
}

/** Every resource of `type` in `json`, checked; returns the problems of all. */
export function allSchemaProblems(json: SynthJson, type: string): string[] {
  return Object.entries(resources(json, type)).flatMap(([name, r]) => schemaProblems(type, r).map((p) => `${type}.${name}: ${p}`));
}

function blockProblems(schema: BlockSchema, value: Record<string, unknown>, where: string, top = false): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (top && META.has(k)) continue;
    if (k in schema.attributes) {
      if (schema.attributes[k] === 'computed') out.push(`${where}.${k} is computed only and cannot be set`);
      continue;
    }
    const b = schema.blocks[k];
    if (!b) {
      out.push(`${where}.${k} is neither an attribute nor a block of the schema`);
      continue;
    }
    const items = Array.isArray(v) ? v : [v];
    if (b.max !== undefined && items.length > b.max) out.push(`${where}.${k} has ${items.length} items, the schema allows ${b.max}`);
    items.forEach((item, i) => {
      if (item === null || typeof item !== 'object') out.push(`${where}.${k}[${i}] is not a block (got ${JSON.stringify(item)})`);
      else out.push(...blockProblems(b, item as Record<string, unknown>, `${where}.${k}[${i}]`));
    });
  }
  for (const [k, flag] of Object.entries(schema.attributes)) {
    if (flag === 'required' && value[k] === undefined) out.push(`${where}.${k} is required and missing`);
  }
  for (const [k, b] of Object.entries(schema.blocks)) {
    const n = value[k] === undefined ? 0 : Array.isArray(value[k]) ? (value[k] as unknown[]).length : 1;
    if (b.min !== undefined && n < b.min) out.push(`${where}.${k} needs at least ${b.min} block(s), got ${n}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Grafana's notification policy, evaluated as synthesized
// ---------------------------------------------------------------------------------------------

interface PolicyJson {
  contact_point?: string;
  matcher?: Array<{ label: string; match: string; value: string }>;
  continue?: boolean;
  mute_timings?: string[];
  policy?: PolicyJson[];
}

/** Where an alert ends up: a contact point, and whether a mute timing that always applies mutes it. */
export interface GrafanaDelivery {
  readonly contactPoint: string;
  readonly alwaysMuted: boolean;
}

/**
 * Routes `labels` through the stack's single `grafana_notification_policy` the way Grafana's
 * Alertmanager does (the same dispatcher as Prometheus' Alertmanager): depth first, children in
 * order, the first matching child wins unless it has `continue`, a node with no matching child
 * takes the alert itself; contact point and mute timings are resolved from the Terraform
 * references in the JSON (`${grafana_contact_point.X.name}`); a missing label is "".
 * Mute timings with an interval that has no field match at every instant.
 */
export function grafanaRoute(json: SynthJson, labels: Record<string, string>): GrafanaDelivery[] {
  const policies = Object.values(resources(json, 'grafana_notification_policy'));
  if (policies.length !== 1) throw new Error(`expected one grafana_notification_policy, got ${policies.length}`);
  const names = (type: string) => Object.fromEntries(Object.entries(resources(json, type)).map(([id, r]) => [`\${${type}.${id}.name}`, r.name as string]));
  const contactPoints = names('grafana_contact_point');
  const muteNames = names('grafana_mute_timing');
  const alwaysMute = new Set(
    Object.values(resources(json, 'grafana_mute_timing'))
      .filter((m) => (m.intervals as Array<Record<string, unknown>>).some((i) => Object.keys(i).length === 0))
      .map((m) => m.name as string),
  );
  const resolve = (ref: string | undefined, table: Record<string, string>) => (ref === undefined ? undefined : (table[ref] ?? ref));
  const root = policies[0] as PolicyJson;

  const matches = (p: PolicyJson) =>
    (p.matcher ?? []).every((m) => {
      const v = labels[m.label] ?? '';
      const value = unescapeTemplate(m.value);
      switch (m.match) {
        case '=': return v === value;
        case '!=': return v !== value;
        case '=~': return RE2JS.compile(`^(?:${value})$`).matcher(v).matches();
        case '!~': return !RE2JS.compile(`^(?:${value})$`).matcher(v).matches();
        default: throw new Error(`unknown match operator ${m.match}`);
      }
    });

  const visit = (p: PolicyJson, contact: string): GrafanaDelivery[] => {
    const cp = resolve(p.contact_point, contactPoints) ?? contact;
    // Grafana embeds Alertmanager's dispatcher, whose routes inherit the receiver and timings
    // but not mute timings: a policy's own list applies.
    const mutes = (p.mute_timings ?? []).map((m) => resolve(m, muteNames)!);
    const out: GrafanaDelivery[] = [];
    for (const child of p.policy ?? []) {
      if (!matches(child)) continue;
      out.push(...visit(child, cp));
      if (!child.continue) break;
    }
    if (!out.length) out.push({ contactPoint: cp, alwaysMuted: mutes.some((m) => alwaysMute.has(m)) });
    return out;
  };
  return visit(root, resolve(root.contact_point, contactPoints)!);
}
