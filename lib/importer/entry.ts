/**
 * The importer as the package index exports it: `importStack` loads the importer (its readers,
 * the `yaml` package) on first use, so an app that only synthesizes never loads them (issue 16).
 */
import type * as importer from './index';
import type { ImportOptions, ImportResult } from './index';

export { ImportError } from './errors';
export type { ImportNote, ImportOptions, ImportResult, NoteKind } from './index';

/**
 * Turns existing configuration files (docker-compose.yml, prometheus.yml and its rule
 * files, alertmanager.yml, blackbox.yml, Grafana dashboards, and the Loki, Tempo and Promtail
 * files mounted into their Compose services) into a TypeScript cdktf app on
 * this library. Throws {@link ImportError} (file and line) for unreadable or mistyped
 * input; everything else it cannot express goes through an escape hatch and into the report.
 */
export function importStack(options: ImportOptions): ImportResult {
  return (require('./index') as typeof importer).importStack(options);
}
