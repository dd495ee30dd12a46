/**
 * The engine fact files of test/fixtures/engines: names, flags, config keys and defaults
 * read by hand from each engine's source at its release tag (repository, tag and commit
 * inside), so that generated flags and configuration can be checked against the version
 * they run on, beyond what the older tools installed here know.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { PrometheusServerProps } from '../../constructs/prometheus-server';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EngineFacts = Record<string, any>;

/** `test/fixtures/engines/<engine>-<version>.json`. */
export function engineFacts(engine: string, version: string): EngineFacts {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'engines', `${engine}-${version}.json`), 'utf8')) as EngineFacts;
}

/** Every PrometheusServer option that adds a flag or a `global` key. */
export const EVERY_PROMETHEUS_FLAG: PrometheusServerProps = {
  scrapeInterval: '30s',
  scrapeTimeout: '20s',
  evaluationInterval: '1m',
  externalLabels: { cluster: 'production' },
  retentionTime: '15d',
  retentionSize: '50GB',
  enableRemoteWriteReceiver: true,
  enableExemplarStorage: true,
  enableNativeHistograms: true,
};
