/**
 * Imports Grafana provisioning mounted in Compose (/etc/grafana/provisioning):
 * - datasources/*.yml → GrafanaDataSources targets (one per kind the library knows:
 *   prometheus, loki, tempo, alertmanager, grafana-pyroscope-datasource) with uid, name,
 *   URL, isDefault and jsonData kept as written (the correlations: derivedFields,
 *   tracesToLogs(V2), exemplarTraceIdDestinations, ...);
 * - dashboards/*.yml providers → dashboard directories to import, placed as Grafana's file
 *   provider places them: every file under the path in the provider's folder, or with
 *   `foldersFromFilesStructure` one flat folder per directory (top-level files in General)
 *   (test/fixtures/engines/grafana-dashboard-provisioning.json).
 * Grafana expands `$VAR` / `${VAR}` in provisioning files and reads `$$` as a literal `$`:
 * values are read as Grafana reads them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { urlSecretProblem } from '../core/secrets';
import { Notes } from './model';
import { isObject, parseYaml } from './parse';

const KIND_OF_TYPE: Record<string, string> = { prometheus: 'prometheus', loki: 'loki', tempo: 'tempo', alertmanager: 'alertmanager', 'grafana-pyroscope-datasource': 'pyroscope' };
const TITLE: Record<string, string> = { prometheus: 'Prometheus', loki: 'Loki', tempo: 'Tempo', alertmanager: 'Alertmanager', pyroscope: 'Pyroscope' };
const GRAFANA_ENV = /\$(\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)/;

/** A directory of dashboard JSON files and the folder path they go to. */
export interface DashboardSource {
  readonly dir: string;
  /** The folder's title, as a one-element list (empty: the General folder). */
  readonly folders: string[];
  /** The provider's folderUid for its top folder. @default - derived from the title */
  readonly folderUid?: string;
  /** Provider file the source comes from. */
  readonly file: string;
}

export interface ImportedProvisioning {
  /** GrafanaDataSources props, when any data source was imported. */
  readonly dataSources?: Record<string, unknown>;
  readonly dashboards: DashboardSource[];
  /** Files read (for the generated program's header). */
  readonly files: string[];
  /** Mount targets the import read from. */
  readonly used: Set<string>;
}

/** Grafana's reading of a provisioning string: `$$` is `$`; `$VAR` references are reported. */
function grafanaValue(v: unknown, notes: Notes, file: string, where: string): unknown {
  if (typeof v === 'string') {
    if (GRAFANA_ENV.test(v.replace(/\$\$/g, ''))) notes.add('warning', file, where, `${JSON.stringify(v)} holds an environment reference Grafana expanded at start: kept as written (set the final value)`);
    return v.replace(/\$\$/g, '$');
  }
  if (Array.isArray(v)) return v.map((x, i) => grafanaValue(x, notes, file, `${where}[${i}]`));
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, grafanaValue(x, notes, file, `${where}.${k}`)]));
  return v;
}

/** The host path of a container path through the directory mounts (longest prefix wins). */
export function hostPathOf(containerPath: string, dirMounts: Record<string, string>, used?: Set<string>): string | undefined {
  const target = Object.keys(dirMounts).filter((t) => containerPath === t || containerPath.startsWith(`${t}/`)).sort((a, b) => b.length - a.length)[0];
  if (target !== undefined) used?.add(target);
  return target === undefined ? undefined : path.join(dirMounts[target], containerPath.slice(target.length));
}

function yamlFiles(dir: string | undefined): string[] {
  if (!dir || !fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return [];
  return fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(dir, f));
}

/** Imports the provisioning directories mounted into the Grafana container. */
export function importGrafanaProvisioning(dirMounts: Record<string, string>, notes: Notes, rel: (f: string) => string): ImportedProvisioning {
  const files: string[] = [];
  const used = new Set<string>();
  const targets: Record<string, Record<string, unknown>> = {};
  for (const full of yamlFiles(hostPathOf('/etc/grafana/provisioning/datasources', dirMounts, used))) {
    const file = rel(full);
    files.push(file);
    const doc = parseYaml(fs.readFileSync(full, 'utf8'), file, 'datasources');
    if (doc.deleteDatasources !== undefined) notes.add('warning', file, 'deleteDatasources', 'not carried: Terraform deletes the data sources it no longer declares');
    const list = Array.isArray(doc.datasources) ? doc.datasources : [];
    list.forEach((ds0, i) => {
      const ds = isObject(ds0) ? ds0 : {};
      const where = `datasources[${i}] (${JSON.stringify(ds.name)})`;
      const kind = KIND_OF_TYPE[String(ds.type)];
      if (!kind || targets[kind]) {
        notes.add('warning', file, where, `${kind ? `a second ${kind} data source` : `type ${JSON.stringify(ds.type)}`}: GrafanaDataSources creates one data source per kind (prometheus, loki, tempo, alertmanager, pyroscope); not carried. Add it with the grafana provider's DataSource resource.`);
        return;
      }
      // A URL carrying credentials (user:password@, ?api_key=) is refused literal by GrafanaDataSources: the whole URL becomes a sensitive variable.
      const url = grafanaValue(ds.url, notes, file, `${where}.url`);
      const t: Record<string, unknown> = { url: urlSecretProblem(url) ? notes.secret(file, `${where}.url`, `grafana_${kind}_url`, url) : url };
      if (ds.uid !== undefined) t.uid = String(ds.uid);
      else notes.add('default', file, `${where}.uid`, `no uid (Grafana would generate a random one): the library's uid ${JSON.stringify(kind)} given, the one links in jsonData such as datasourceUid: ${kind} expect`);
      if (ds.name !== undefined && ds.name !== TITLE[kind]) t.name = String(ds.name);
      const isDefault = ds.isDefault === true;
      if (isDefault !== (kind === 'prometheus')) t.isDefault = isDefault;
      t.jsonData = isObject(ds.jsonData) ? grafanaValue(ds.jsonData, notes, file, `${where}.jsonData`) : {};
      notes.add('escape-hatch', file, `${where}.jsonData`, `kept as written through the ${kind}.jsonData escape hatch (replaces the library's correlation settings for this data source)`);
      if (ds.access !== undefined && ds.access !== 'proxy') notes.add('warning', file, `${where}.access`, `access ${JSON.stringify(ds.access)}: the library's data sources are proxy (server) access`);
      if (ds.secureJsonData !== undefined) notes.add('warning', file, `${where}.secureJsonData`, `${Object.keys(isObject(ds.secureJsonData) ? ds.secureJsonData : {}).join(', ')}: not carried; set them through the data source resource's secure_json_data_encoded (addOverride) from a secret variable`);
      for (const k of Object.keys(ds).filter((x) => !['name', 'type', 'uid', 'url', 'isDefault', 'jsonData', 'access', 'secureJsonData', 'orgId', 'version', 'editable'].includes(x))) {
        notes.add('warning', file, `${where}.${k}`, `${k} is not carried by GrafanaDataSources (use the data source resource's addOverride)`);
      }
      targets[kind] = t;
    });
  }
  const dashboards: DashboardSource[] = [];
  for (const full of yamlFiles(hostPathOf('/etc/grafana/provisioning/dashboards', dirMounts, used))) {
    const file = rel(full);
    files.push(file);
    const doc = parseYaml(fs.readFileSync(full, 'utf8'), file, 'dashboard providers');
    (Array.isArray(doc.providers) ? doc.providers : []).forEach((p0, i) => {
      const p = isObject(p0) ? p0 : {};
      const where = `providers[${i}] (${JSON.stringify(p.name)})`;
      const options = isObject(p.options) ? p.options : {};
      if (p.type !== undefined && p.type !== 'file') {
        notes.add('warning', file, where, `provider type ${JSON.stringify(p.type)}: only file providers are imported`);
        return;
      }
      const containerDir = String(options.path ?? '');
      const dir = hostPathOf(containerDir, dirMounts, used);
      if (!dir || !fs.existsSync(dir)) {
        notes.add('warning', file, `${where}.options.path`, `${containerDir} is ${dir ? `mounted from ${rel(dir)}, which does not exist here` : 'not a bind mount of the Compose file'}: its dashboards are not imported`);
        return;
      }
      // Grafana's file provider (test/fixtures/engines/grafana-dashboard-provisioning.json): every
      // *.json under the path; with foldersFromFilesStructure, a flat folder per directory.
      const folder = typeof p.folder === 'string' && p.folder ? p.folder : undefined;
      const folderUid = typeof p.folderUid === 'string' && p.folderUid ? p.folderUid : undefined;
      const byStructure = options.foldersFromFilesStructure === true;
      if (byStructure && folder && folderUid) {
        notes.add('warning', file, where, "foldersFromFilesStructure with both folder and folderUid: Grafana refuses this provider ('folder' and 'folderUID' should be empty), so its dashboards were never loaded: not imported");
        return;
      }
      if (byStructure && folder) notes.add('choice', file, `${where}.folder`, `${JSON.stringify(folder)} is not used by Grafana with foldersFromFilesStructure: dashboards at the top of the path stay in the General folder, as Grafana placed them`);
      const nestedDirs: string[] = [];
      const walk = (d: string, depth: number) => {
        const folders = byStructure ? (depth === 0 ? [] : [path.basename(d)]) : folder ? [folder] : [];
        dashboards.push({ dir: d, folders, folderUid: byStructure ? undefined : folderUid, file });
        for (const sub of fs.readdirSync(d).sort()) {
          if (sub.startsWith('.') || !fs.statSync(path.join(d, sub)).isDirectory()) continue;
          if (byStructure && depth >= 1) nestedDirs.push(path.relative(dir, path.join(d, sub)));
          walk(path.join(d, sub), depth + 1);
        }
      };
      walk(dir, 0);
      if (nestedDirs.length) {
        notes.add('choice', file, where, `${nestedDirs.join(', ')}: Grafana's file provider puts each dashboard in a folder named after its own directory, one level (it does not nest folders); kept flat as Grafana showed them (GrafanaFolder takes a parent if you want them nested)`);
      }
      for (const k of Object.keys(p).filter((x) => !['name', 'orgId', 'folder', 'folderUid', 'type', 'options', 'disableDeletion', 'editable', 'updateIntervalSeconds', 'allowUiUpdates'].includes(x))) {
        notes.add('warning', file, `${where}.${k}`, `${k} is not carried`);
      }
      notes.add('choice', file, where, 'dashboards become Dashboard resources managed by Terraform (disableDeletion, allowUiUpdates and updateIntervalSeconds no longer apply)');
    });
  }
  const kinds = Object.keys(targets);
  return { dataSources: kinds.length ? { ...targets, dataSources: kinds } : undefined, dashboards, files, used };
}
