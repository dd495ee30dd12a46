import { resolveDuration } from '../lib/core/duration';
import { urlSecretProblem } from '../lib/core/secrets';
import { checkShape } from '../lib/core/shape';
import { Annotations } from 'cdktf';
import { Construct } from 'constructs';
import { DataSource } from '../.gen/providers/grafana/data-source';
import { throwIfProblems } from '../lib/core/errors';
import { escapeTemplate } from '../lib/core/tf-escape';
import { CorrelationSettings, ResolvedCorrelation, correlationProblems, profileCorrelationProblems, resolveCorrelation, tracesToProfiles } from '../lib/grafana/correlation';
import { missingDashboardMessage } from '../lib/grafana/links';
import { grafanaUidProblem } from '../lib/grafana/uid';
import { Observability } from '../lib/observability';
import { Alertmanager } from './alertmanager';
import { IGrafana } from './grafana-server';
import { PrometheusServer } from './prometheus-server';

/** A data source endpoint. */
export interface DataSourceTarget {
  /** URL Grafana uses (from its container, on the shared network). */
  readonly url: string;
  /** Stable UID. @default - the kind (`prometheus`, `loki`, `tempo`, `alertmanager`, `pyroscope`) */
  readonly uid?: string;
  /** Name shown in Grafana. @default - the kind, capitalised (`Prometheus`, `Loki`, ...) */
  readonly name?: string;
  /** The default data source of new panels. @default - true for Prometheus, false for the others */
  readonly isDefault?: boolean;
  /**
   * Escape hatch: the data source's `jsonData` as written, replacing the one the library
   * derives from the correlation settings (exemplars, derived fields, traces to logs and
   * metrics). For an existing data source whose links must stay as they are, as
   * `cdktf-observability import` carries provisioning files; `datasourceUid` references in
   * it should name uids of this stack. No secrets here: Grafana keeps jsonData in clear.
   * @default - the library's jsonData
   */
  readonly jsonData?: Record<string, unknown>;
}

/** A kind of data source GrafanaDataSources creates. */
export type DataSourceKind = 'prometheus' | 'loki' | 'tempo' | 'alertmanager' | 'pyroscope';

/** Properties of GrafanaDataSources. */
export interface GrafanaDataSourcesProps {
  /** @default - the stack's Grafana */
  readonly grafana?: IGrafana;
  /** @default - the stack's PrometheusServer, if any */
  readonly prometheus?: DataSourceTarget;
  /** @default - the stack's LokiCluster, if any */
  readonly loki?: DataSourceTarget;
  /** @default - the stack's TempoBackend, if any */
  readonly tempo?: DataSourceTarget;
  /** @default - the stack's Alertmanager, if any */
  readonly alertmanager?: DataSourceTarget;
  /** Profiles (a `grafana-pyroscope-datasource`), linked from Tempo's spans. @default - the stack's ProfilingBackend, if any */
  readonly pyroscope?: DataSourceTarget;
  /** How metrics, logs and traces refer to each other. @default - the stack's (`Observability.of(stack).correlation`): trace_id everywhere, JSON logs */
  readonly correlation?: CorrelationSettings;
  /** Dashboard opened from a log line's service (derived field). @default 'service-overview' */
  readonly serviceDashboardUid?: string;
  /** Scrape interval Prometheus queries assume (`timeInterval`). @default '15s' */
  readonly prometheusTimeInterval?: string;
  /**
   * The data sources to create, e.g. `['prometheus', 'loki', 'tempo']` to leave out the
   * Alertmanager one (an existing Grafana that has its own). Correlation links only point at
   * data sources that are created.
   * @default - every kind whose back end is in the stack or given as a prop
   */
  readonly dataSources?: DataSourceKind[];
}

/**
 * Prometheus, Loki, Tempo and Alertmanager data sources with stable UIDs and the course's
 * correlation: exemplars → Tempo, Loki derived fields → Tempo and → the service dashboard,
 * Tempo → logs (trace and span id), → metrics, service map and node graph. The correlation
 * settings are checked against the log format at synth.
 *
 * Prometheus and Alertmanager are discovered among the components created before this
 * construct (it creates one resource per data source when constructed); pass them explicitly
 * to point elsewhere.
 */
export class GrafanaDataSources extends Construct {
  public readonly prometheus?: DataSource;
  public readonly loki?: DataSource;
  public readonly tempo?: DataSource;
  public readonly alertmanager?: DataSource;
  public readonly pyroscope?: DataSource;
  public readonly correlation: ResolvedCorrelation;

  constructor(scope: Construct, id: string, props: GrafanaDataSourcesProps = {}) {
    super(scope, id);
    checkShape(this, 'GrafanaDataSourcesProps', props, 'props');
    const registry = Observability.of(this);
    this.correlation = props.correlation ? resolveCorrelation(props.correlation) : registry.correlation;
    const found = {
      prometheus: props.prometheus ?? firstEndpoint(registry.find<PrometheusServer>('prometheus').map((p) => p.endpoint.url)),
      alertmanager: props.alertmanager ?? firstEndpoint(registry.find<Alertmanager>('alertmanager').map((a) => a.endpoints[0].url)),
      loki: props.loki ?? firstEndpoint(registry.find<{ queryUrl: string } & Construct>('loki').map((l) => l.queryUrl)),
      tempo: props.tempo ?? firstEndpoint(registry.find<{ queryUrl: string } & Construct>('tempo').map((t) => t.queryUrl)),
      pyroscope: props.pyroscope ?? firstEndpoint(registry.find<{ queryUrl: string } & Construct>('pyroscope').map((p) => p.queryUrl)),
    };
    const problems: string[] = dataSourceChoiceProblems(props, found);
    const chosen = (k: DataSourceKind) => (props.dataSources === undefined || props.dataSources.includes(k) ? found[k] : undefined);
    const prom = chosen('prometheus');
    const am = chosen('alertmanager');
    const loki = chosen('loki');
    const tempo = chosen('tempo');
    const pyro = chosen('pyroscope');
    const uids = {
      prometheus: prom?.uid ?? 'prometheus',
      loki: loki?.uid ?? 'loki',
      tempo: tempo?.uid ?? 'tempo',
      alertmanager: am?.uid ?? 'alertmanager',
      pyroscope: pyro?.uid ?? 'pyroscope',
    };
    const present = { prometheus: !!prom, loki: !!loki, tempo: !!tempo, alertmanager: !!am, pyroscope: !!pyro };
    for (const [k, uid] of Object.entries(uids)) {
      if (!present[k as keyof typeof present]) continue;
      const p = grafanaUidProblem(uid);
      if (p) problems.push(`${k}.uid ${p}`);
    }
    const used = Object.entries(uids).filter(([k]) => present[k as keyof typeof present]).map(([, u]) => u);
    const dup = used.find((u, i) => used.indexOf(u) !== i);
    if (dup) problems.push(`data source uid ${JSON.stringify(dup)} is used twice. Give each data source its own uid.`);
    for (const [k, t] of [['prometheus', prom], ['loki', loki], ['tempo', tempo], ['alertmanager', am], ['pyroscope', pyro]] as const) {
      if (t && !/^https?:\/\/[^\s]+$/.test(t.url)) problems.push(`${k}.url must be an http(s) URL (got ${JSON.stringify(t.url)}).`);
      else if (t && urlSecretProblem(t.url)) problems.push(`${k}.url ${urlSecretProblem(t.url)}`);
      // The shape check has made sure jsonData is an object.
      if (t?.jsonData !== undefined && JSON.stringify(t.jsonData).includes('${TfToken[')) {
        problems.push(`${k}.jsonData must not hold tokens (got a secret or reference in ${JSON.stringify(Object.keys(t.jsonData))}): Grafana keeps jsonData in clear. Pass credentials through the data source resource's secure_json_data_encoded instead (addOverride).`);
      }
      if (t?.name !== undefined && (typeof t.name !== 'string' || !t.name.trim())) problems.push(`${k}.name must be a non-empty name (got ${JSON.stringify(t.name)}).`);
    }
    if (props.serviceDashboardUid !== undefined) {
      const p = grafanaUidProblem(props.serviceDashboardUid);
      if (p) problems.push(`serviceDashboardUid ${p}`);
    }
    if (props.prometheusTimeInterval !== undefined) {
      const p = resolveDuration(props.prometheusTimeInterval).problem;
      if (p) problems.push(`prometheusTimeInterval ${p}`);
    }
    if (loki) problems.push(...correlationProblems(this.correlation));
    if (pyro && tempo) problems.push(...profileCorrelationProblems(this.correlation));
    throwIfProblems(this, problems);

    const grafana = props.grafana ?? registry.single<IGrafana & Construct>('grafana', this, { noun: 'Grafana', prop: 'grafana', whenNone: 'to add data sources to. Create a GrafanaServer or an ExistingGrafana first.' });
    const c = this.correlation;
    const json = (o: object) => escapeTemplate(JSON.stringify(o));
    const dashboardUid = props.serviceDashboardUid ?? 'service-overview';

    if (prom) {
      this.prometheus = new DataSource(this, 'Prometheus', {
        provider: grafana.provider,
        name: prom.name ?? 'Prometheus',
        type: 'prometheus',
        uid: uids.prometheus,
        url: escapeTemplate(prom.url),
        accessMode: 'proxy',
        isDefault: prom.isDefault ?? true,
        jsonDataEncoded: prom.jsonData ? json(prom.jsonData) : json({
          httpMethod: 'POST',
          timeInterval: props.prometheusTimeInterval ?? '15s',
          ...(tempo ? { exemplarTraceIdDestinations: [{ name: c.exemplarTraceIdLabel, datasourceUid: uids.tempo, urlDisplayLabel: 'View trace' }] } : {}),
        }),
      });
    }
    if (loki) {
      this.loki = new DataSource(this, 'Loki', {
        provider: grafana.provider,
        name: loki.name ?? 'Loki',
        type: 'loki',
        uid: uids.loki,
        url: escapeTemplate(loki.url),
        accessMode: 'proxy',
        ...(loki.isDefault ? { isDefault: true } : {}),
        jsonDataEncoded: loki.jsonData ? json(loki.jsonData) : json({
          // A string, as Grafana's LokiOptions declares it (what its settings page saves).
          maxLines: '1000',
          derivedFields: [
            ...(tempo ? [{ name: 'TraceID', matcherRegex: c.derivedFieldRegex, datasourceUid: uids.tempo, url: '${__value.raw}', urlDisplayLabel: 'View trace' }] : []),
            {
              name: 'Service',
              matcherRegex: c.logFormat === 'json' ? '"service":\\s*"([^"]+)"' : 'service=(\\S+)',
              url: `/d/${dashboardUid}?var-service=\${__value.raw}`,
              urlDisplayLabel: 'Service dashboard',
            },
          ],
        }),
      });
    }
    if (tempo) {
      this.tempo = new DataSource(this, 'Tempo', {
        provider: grafana.provider,
        name: tempo.name ?? 'Tempo',
        type: 'tempo',
        uid: uids.tempo,
        url: escapeTemplate(tempo.url),
        accessMode: 'proxy',
        ...(tempo.isDefault ? { isDefault: true } : {}),
        jsonDataEncoded: tempo.jsonData ? json(tempo.jsonData) : json({
          ...(loki
            ? {
                tracesToLogsV2: {
                  datasourceUid: uids.loki,
                  filterByTraceID: true,
                  filterBySpanID: true,
                  spanStartTimeShift: '-5m',
                  spanEndTimeShift: '5m',
                  tags: [{ key: 'service.name', value: 'service' }],
                },
                // No `lokiSearch`: Grafana's Tempo data source reads it only for legacy Loki-search
                // queries, which its query editor no longer offers (test/fixtures/engines/grafana.json).
              }
            : {}),
          ...(prom
            ? {
                tracesToMetrics: {
                  datasourceUid: uids.prometheus,
                  spanStartTimeShift: '-5m',
                  spanEndTimeShift: '5m',
                  tags: [{ key: 'service.name', value: 'service' }],
                  queries: [{ name: 'Request rate', query: 'sum(rate(traces_spanmetrics_calls_total{$__tags}[5m]))' }],
                },
                serviceMap: { datasourceUid: uids.prometheus },
              }
            : {}),
          ...(pyro ? { tracesToProfiles: tracesToProfiles(uids.pyroscope, c) } : {}),
          nodeGraph: { enabled: true },
          search: { hide: false },
        }),
      });
    }
    if (pyro) {
      this.pyroscope = new DataSource(this, 'Pyroscope', {
        provider: grafana.provider,
        name: pyro.name ?? 'Pyroscope',
        type: 'grafana-pyroscope-datasource',
        uid: uids.pyroscope,
        url: escapeTemplate(pyro.url),
        accessMode: 'proxy',
        // The plugin's only jsonData option (PhlareDataSourceOptions.minStep): the smallest
        // step of profile time series, as Prometheus's scrape interval.
        ...(pyro.isDefault ? { isDefault: true } : {}),
        jsonDataEncoded: pyro.jsonData ? json(pyro.jsonData) : json({ minStep: props.prometheusTimeInterval ?? '15s' }),
      });
    }
    if (am) {
      this.alertmanager = new DataSource(this, 'Alertmanager', {
        provider: grafana.provider,
        name: am.name ?? 'Alertmanager',
        type: 'alertmanager',
        uid: uids.alertmanager,
        url: escapeTemplate(am.url),
        accessMode: 'proxy',
        ...(am.isDefault ? { isDefault: true } : {}),
        jsonDataEncoded: am.jsonData ? json(am.jsonData) : json({ implementation: 'prometheus', handleGrafanaManagedAlerts: false }),
      });
    }
    const targets = { prometheus: prom, loki, tempo, alertmanager: am };
    this.node.addValidation({ validate: () => this.stackProblems(targets, loki ? dashboardUid : undefined) });
  }

  private readonly warned = new Set<string>();

  /**
   * At synth: a URL naming a component of the stack must use a port it listens on (error);
   * the log lines' "Service dashboard" link must open a dashboard the stack creates (warning:
   * the data source works without it).
   */
  private stackProblems(targets: Record<string, DataSourceTarget | undefined>, serviceDashboardUid: string | undefined): string[] {
    const registry = Observability.of(this);
    const problems = Object.entries(targets).flatMap(([k, t]) => (t ? registry.addressProblems(t.url, `the ${k} data source URL`) : []));
    const created = registry.find<Construct & { uid: string }>('dashboard').map((d) => d.uid);
    if (serviceDashboardUid !== undefined && !created.includes(serviceDashboardUid)) {
      const warning = missingDashboardMessage('the Loki data source\'s "Service" derived field', { uid: serviceDashboardUid, url: `/d/${serviceDashboardUid}?var-service=\${__value.raw}` }, created);
      if (!this.warned.has(warning)) Annotations.of(this).addWarning(warning);
      this.warned.add(warning);
    }
    return problems;
  }
}

const KINDS: readonly DataSourceKind[] = ['prometheus', 'loki', 'tempo', 'alertmanager', 'pyroscope'];
const BACK_END: Record<DataSourceKind, string> = { prometheus: 'PrometheusServer', loki: 'LokiCluster', tempo: 'TempoBackend', alertmanager: 'Alertmanager', pyroscope: 'ProfilingBackend' };

/** `dataSources` names known kinds, each with a back end, and leaves out no target given explicitly. */
function dataSourceChoiceProblems(props: GrafanaDataSourcesProps, found: Record<DataSourceKind, DataSourceTarget | undefined>): string[] {
  if (props.dataSources === undefined) return [];
  const out: string[] = [];
  for (const k of props.dataSources) {
    if (!KINDS.includes(k)) out.push(`dataSources entry must be one of ${KINDS.map((x) => JSON.stringify(x)).join(', ')} (got ${JSON.stringify(k)}).`);
    else if (!found[k]) out.push(`dataSources lists ${JSON.stringify(k)}, but the stack has no ${BACK_END[k]} and the ${k} prop is not set. Create the ${BACK_END[k]} before this construct, pass ${k}: { url }, or leave it out of dataSources.`);
  }
  const dup = props.dataSources.find((k, i) => props.dataSources!.indexOf(k) !== i);
  if (dup) out.push(`dataSources lists ${JSON.stringify(dup)} twice. List each kind once.`);
  for (const k of KINDS) {
    if (props[k] !== undefined && !props.dataSources.includes(k)) out.push(`the ${k} prop is set but dataSources leaves ${JSON.stringify(k)} out (got ${JSON.stringify(props.dataSources)}). Add it to dataSources, or remove the ${k} prop.`);
  }
  return out;
}

function firstEndpoint(urls: string[]): DataSourceTarget | undefined {
  return urls.length ? { url: urls[0] } : undefined;
}
