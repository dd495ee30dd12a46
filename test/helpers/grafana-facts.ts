import * as fs from 'fs';
import * as path from 'path';

/** The pinned Grafana's facts (test/fixtures/engines/grafana.json). */
export const grafanaFacts = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/engines/grafana.json'), 'utf8'));

export type KeyTree = { [key: string]: true | 'string' | KeyTree };

/** Paths in `value` that `tree` does not have, and values of the wrong declared type. */
export function unknownKeys(value: unknown, tree: KeyTree | true | 'string', at: string): string[] {
  if (tree === 'string') return typeof value === 'string' ? [] : [`${at} must be a string (Grafana declares it so), got ${JSON.stringify(value)}`];
  if (tree === true || value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => (tree['[]'] ? unknownKeys(v, tree['[]'], `${at}[${i}]`) : [`${at} is a list where Grafana reads none`]));
  return Object.entries(value).flatMap(([k, v]) => (Object.prototype.hasOwnProperty.call(tree, k) ? unknownKeys(v, tree[k], `${at}.${k}`) : [`${at}.${k} is not read by the pinned Grafana`]));
}

/** The jsonData keys the pinned Grafana reads for a data source type (its own and the common ones). */
export function jsonDataKeys(type: string): KeyTree {
  const own = grafanaFacts.jsonData[type];
  if (!own) throw new Error(`no facts for data source type ${type}: add its jsonData keys to test/fixtures/engines/grafana.json from Grafana's source`);
  return { ...grafanaFacts.jsonData.common.keys, ...own.keys };
}
