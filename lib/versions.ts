/**
 * Every version the library pins, in one registry: the engine images (read from the
 * constructs' image constants, so a bump there shows up here), the Kubernetes charts (read
 * from `CHARTS` / `CHART_SOURCES`), where each comes from upstream (for `npm run versions`),
 * and what verifies the library's output for it. `docs/versions.md` is generated from it
 * (`npm run gen:versions`); a test fails when the page and the code differ.
 *
 * Not part of the public API (not exported from the package index).
 */
import { ALERTMANAGER_IMAGE } from '../constructs/alertmanager';
import { BLACKBOX_EXPORTER_IMAGE } from '../constructs/blackbox-exporter';
import { GRAFANA_IMAGE } from '../constructs/grafana-server';
import { ALLOY_IMAGE, PROMTAIL_IMAGE } from '../constructs/log-agent';
import { LOKI_IMAGE } from '../constructs/loki-cluster';
import { NODE_EXPORTER_IMAGE } from '../constructs/node-exporter';
import { OTEL_COLLECTOR_IMAGE } from '../constructs/otel-collector';
import { PYROSCOPE_IMAGE } from '../constructs/profiling-backend';
import { PROMETHEUS_IMAGE } from '../constructs/prometheus-server';
import { TEMPO_IMAGE } from '../constructs/tempo-backend';
import { CHART_SOURCES, CHARTS, ChartName } from './kubernetes/charts';
import { ImageRef } from './runtime/component';

/** Where new releases of a pin appear: a GitHub repository and its release tag pattern. */
export interface Upstream {
  /** `owner/name` on GitHub. */
  readonly repository: string;
  /** The release tag with `{version}` for the `x.y.z` part, e.g. `v{version}`, `loki-{version}`. */
  readonly tag: string;
}

/** One thing that checks the library's output for a pinned version. */
export type Verification =
  /** A real tool run by the tests on this machine (Debian packages), at the version recorded. */
  | { readonly kind: 'tool'; readonly tool: string; readonly version: string; readonly checks: string }
  /** Facts read from the engine's or chart's source at a tag, kept as small fixtures or tables. */
  | { readonly kind: 'source'; readonly repository: string; readonly tag: string; readonly commit?: string; readonly checks: string; readonly where: string }
  /** Only the library's own model tests: nothing of the engine's checks it. */
  | { readonly kind: 'model'; readonly checks: string };

/** An engine image the constructs run by default (overridable per construct with `image`). */
export interface ImagePin {
  readonly kind: 'image';
  /** The engine, as the docs name it. */
  readonly component: string;
  /** The constructs that run it. */
  readonly usedBy: readonly string[];
  /** The exported constant holding the default, and its file. */
  readonly constant: string;
  readonly file: string;
  readonly image: ImageRef;
  readonly upstream: Upstream;
  readonly verifiedBy: readonly Verification[];
  /** Anything a reader must know (deprecation, version-dependent behaviour). */
  readonly note?: string;
}

/** A Helm chart of the Kubernetes target. */
export interface ChartPin {
  readonly kind: 'chart';
  readonly component: string;
  readonly chart: ChartName;
  /** Chart name in its Helm repository. */
  readonly name: string;
  readonly version: string;
  /** Helm repository URL. */
  readonly helmRepository: string;
  /** The engine version the chart was released for (Chart.yaml appVersion). */
  readonly appVersion: string;
  /** The images the library runs in it instead of the appVersion's (the Docker target's). */
  readonly images: readonly ImageRef[];
  readonly upstream: Upstream;
  readonly verifiedBy: readonly Verification[];
  readonly note?: string;
}

export type Pin = ImagePin | ChartPin;

/** The Debian tools the tests run, at the versions installed on the machines that check this. */
export const TOOLS = {
  promtool: { tool: 'promtool', version: '2.42.0' },
  amtool: { tool: 'amtool', version: '0.25.0' },
  blackbox: { tool: 'prometheus-blackbox-exporter', version: '0.23.0' },
  terraform: { tool: 'terraform', version: '1.11.4' },
} as const;

const CHART_FACTS = 'test/fixtures/charts';

/** An image pin; every engine's releases are tagged `v<x.y.z>` in its repository. */
function image(component: string, usedBy: readonly string[], constant: string, file: string, ref: ImageRef, repository: string, verifiedBy: readonly Verification[], note?: string): ImagePin {
  return { kind: 'image', component, usedBy, constant, file: `constructs/${file}.ts`, image: ref, upstream: { repository, tag: 'v{version}' }, verifiedBy, ...(note ? { note } : {}) };
}

const model = (checks: string): Verification => ({ kind: 'model', checks });

const IMAGES: readonly ImagePin[] = [
  image('Prometheus', ['PrometheusServer'], 'PROMETHEUS_IMAGE', 'prometheus-server', PROMETHEUS_IMAGE, 'prometheus/prometheus', [
    { kind: 'tool', ...TOOLS.promtool, checks: 'prometheus.yml, rule files and generated rule tests (`promtool check config`, `check rules`, `test rules`); the synth-time PromQL checks (lib/core/promql-types.ts) differential-tested against it; live loopback runs of `prometheus` 2.42.0' },
    { kind: 'source', repository: 'prometheus/prometheus', tag: 'v3.14.0', commit: 'd7598b7141418fa35be2b5ec5d0fefb634199610', checks: 'flags, feature names, global and scrape_config keys, PromQL function tables by version, `le` spelling', where: 'test/fixtures/engines/prometheus-3.14.0.json' },
  ]),
  image('Alertmanager', ['Alertmanager', 'AlertRoute'], 'ALERTMANAGER_IMAGE', 'alertmanager', ALERTMANAGER_IMAGE, 'prometheus/alertmanager', [
    { kind: 'tool', ...TOOLS.amtool, checks: 'alertmanager.yml and routing (`amtool check-config`, `config routes test`); live runs of `prometheus-alertmanager` 0.25.0' },
    { kind: 'source', repository: 'prometheus/alertmanager', tag: 'v0.27.0', commit: '4bb056f1d70d925d2358ac42d87d8bae3656562d', checks: 'template functions and default templates', where: 'lib/alertmanager/go-template.ts' },
  ]),
  image('Node exporter', ['NodeExporter'], 'NODE_EXPORTER_IMAGE', 'node-exporter', NODE_EXPORTER_IMAGE, 'prometheus/node_exporter', [
    { kind: 'source', repository: 'prometheus/node_exporter', tag: 'v1.12.1', commit: '6044da783597cc3b57aef7580ddcdcff58a4ee99', checks: 'command-line flags and collector names', where: 'test/fixtures/engines/node-exporter-1.12.1.json' },
  ]),
  image('Blackbox exporter', ['BlackboxExporter'], 'BLACKBOX_EXPORTER_IMAGE', 'blackbox-exporter', BLACKBOX_EXPORTER_IMAGE, 'prometheus/blackbox_exporter', [
    { kind: 'tool', ...TOOLS.blackbox, checks: 'blackbox.yml (`--config.check`)' },
    { kind: 'source', repository: 'prometheus/blackbox_exporter', tag: 'v0.28.0', commit: '5a059bee8d8ffa4e75947c5055fb0abeefc582e6', checks: 'flags, probers and module keys the 0.23 tool may not know', where: 'test/fixtures/engines/blackbox-exporter-0.28.0.json' },
  ]),
  image('Loki', ['LokiCluster'], 'LOKI_IMAGE', 'loki-cluster', LOKI_IMAGE, 'grafana/loki', [
    { kind: 'source', repository: 'grafana/loki', tag: 'v3.4.0', commit: '24084b3dd801d81ceeaf1f187b83b55b30d2257d', checks: 'LogQL checks after the grammar (pkg/logql/syntax)', where: 'lib/core/logql.ts' },
    model('loki.yaml structure (construct tests)'),
  ]),
  image('Tempo', ['TempoBackend'], 'TEMPO_IMAGE', 'tempo-backend', TEMPO_IMAGE, 'grafana/tempo', [model('tempo.yaml structure (construct tests)')]),
  image('OpenTelemetry Collector (contrib)', ['OtelCollector'], 'OTEL_COLLECTOR_IMAGE', 'otel-collector', OTEL_COLLECTOR_IMAGE, 'open-telemetry/opentelemetry-collector-releases', [model('collector configuration structure (construct tests)')]),
  image('Grafana Alloy', ['LogAgent'], 'ALLOY_IMAGE', 'log-agent', ALLOY_IMAGE, 'grafana/alloy', [model('Alloy syntax (lib/alloy tests)')]),
  image('Promtail', ['LogAgent'], 'PROMTAIL_IMAGE', 'log-agent', PROMTAIL_IMAGE, 'grafana/loki', [model('promtail.yaml structure (construct tests)')], 'Promtail is deprecated in favour of Alloy.'),
  image('Grafana', ['GrafanaServer'], 'GRAFANA_IMAGE', 'grafana-server', GRAFANA_IMAGE, 'grafana/grafana', [model('environment, provisioning and dashboards (construct tests)')]),
  image('Pyroscope', ['ProfilingBackend'], 'PYROSCOPE_IMAGE', 'profiling-backend', PYROSCOPE_IMAGE, 'grafana/pyroscope', [
    { kind: 'source', repository: 'grafana/pyroscope', tag: 'v2.2.1', commit: 'df3c0391b7dfc9c9577a55be4ebfcf2f0ac65d71', checks: 'configuration keys, image layout and readiness command', where: 'test/fixtures/engines/pyroscope-2.2.1.json' },
  ]),
];

const chartFacts = (name: ChartName): Verification => ({
  kind: 'source',
  repository: CHART_SOURCES[name].repository,
  tag: CHART_SOURCES[name].tag,
  commit: CHART_SOURCES[name].commit,
  checks: CHART_SOURCES[name].commit ? 'chart facts: defaults merged with the values, tpl, service names, ignored values' : 'publication only (the chart source was not read)',
  where: `${CHART_FACTS}/${CHARTS[name].chart}-${CHARTS[name].version}.json`,
});

const chart = (name: ChartName, component: string, images: readonly ImageRef[], upstream: Upstream, extra: readonly Verification[] = [], note?: string): ChartPin => ({
  kind: 'chart',
  component,
  chart: name,
  name: CHARTS[name].chart,
  version: CHARTS[name].version,
  helmRepository: CHARTS[name].repository,
  appVersion: CHART_SOURCES[name].appVersion,
  images,
  upstream,
  verifiedBy: [chartFacts(name), ...extra],
  ...(note ? { note } : {}),
});

const CHART_PINS: readonly ChartPin[] = [
  chart('kubePrometheusStack', 'Prometheus Operator, Prometheus, Alertmanager', [PROMETHEUS_IMAGE, ALERTMANAGER_IMAGE], { repository: 'prometheus-community/helm-charts', tag: 'kube-prometheus-stack-{version}' }, [
    { kind: 'tool', ...TOOLS.amtool, checks: 'the effective Alertmanager configuration' },
    { kind: 'tool', ...TOOLS.promtool, checks: 'the effective rule objects' },
    { kind: 'tool', ...TOOLS.terraform, checks: 'values evaluated as Terraform templates, then tpl' },
  ]),
  chart('loki', 'Loki', [LOKI_IMAGE], { repository: 'grafana-community/helm-charts', tag: 'loki-{version}' }, [], 'Moved from grafana/loki (whose chart is now for Grafana Enterprise Logs) to grafana-community.'),
  chart(
    'tempoDistributed',
    'Tempo',
    [],
    { repository: 'grafana-community/helm-charts', tag: 'tempo-distributed-{version}' },
    [{ kind: 'source', repository: 'grafana/tempo', tag: 'v2.10.7', commit: '8100f5a7b8f0986edf1fcd2ff6552d174b25ec18', checks: 'every key of the configuration merged into the chart is a field of Tempo\'s config structs (strict parsing)', where: `${CHART_FACTS}/tempo-distributed-${CHARTS.tempoDistributed.version}.json` }],
    'The Tempo 2 line, running the chart\'s own Tempo (not the Docker target\'s image): tempo-distributed 3.x runs Tempo 3, whose write path needs an external Kafka-compatible broker.',
  ),
  chart('grafana', 'Grafana', [GRAFANA_IMAGE], { repository: 'grafana-community/helm-charts', tag: 'grafana-{version}' }),
  chart('mimirDistributed', 'Mimir', [], { repository: 'grafana/helm-charts', tag: 'mimir-distributed-{version}' }, [], 'Runs the chart\'s own Mimir image. 6.x (Mimir 3) is published but its source was not read: not moved.'),
];

/** Every pin: images first, then charts. */
export const PINS: readonly Pin[] = [...IMAGES, ...CHART_PINS];

/** The pin's version as `x.y.z` (a leading `v` dropped), or its tag as written. */
export function pinVersion(pin: Pin): string {
  return pin.kind === 'image' ? pin.image.tag.replace(/^v(?=\d)/, '') : pin.version;
}

/** A short stable name for a pin (`image:grafana/loki`, `chart:loki`). */
export function pinId(pin: Pin): string {
  return pin.kind === 'image' ? `image:${pin.image.repository}` : `chart:${pin.name}`;
}

const imageText = (i: ImageRef) => `\`${i.repository}:${i.tag}\``;

function verificationText(v: Verification): string {
  if (v.kind === 'tool') return `\`${v.tool}\` ${v.version} (this machine): ${v.checks}`;
  if (v.kind === 'source') return `source facts, ${v.repository} \`${v.tag}\`${v.commit ? ` (commit \`${v.commit.slice(0, 12)}\`)` : ''}: ${v.checks} (\`${v.where}\`)`;
  return `model tests only: ${v.checks}`;
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** docs/versions.md, rendered from the registry (the page says it is generated). */
export function renderVersionMatrix(): string {
  const lines: string[] = [
    '<!-- Generated from lib/versions.ts by `npm run gen:versions`. Do not edit: a test fails when this page and the code differ. -->',
    '# Version matrix',
    '',
    'The versions the library runs by default and what verifies its output for each. Every',
    'construct takes an `image` to run another version; the checks below are the ones the',
    'library\'s tests make for the pinned one. "This machine" is the Debian machine the tests run',
    'on: where its tool is older than the pinned engine, the library generates what both accept,',
    'and newer features are covered by source facts (the engine\'s source at a tag, recorded as',
    'small fixtures with their commit).',
    '',
    '## Engine images',
    '',
    '| engine | default image | constant | used by | upstream releases | verified by |',
    '|---|---|---|---|---|---|',
  ];
  for (const p of IMAGES) {
    const verified = p.verifiedBy.map(verificationText).join('<br>');
    lines.push(
      `| ${cell(p.component)} | ${imageText(p.image)} | \`${p.constant}\` (\`${p.file}\`) | ${p.usedBy.map((u) => `\`${u}\``).join(', ')} | ${p.upstream.repository} \`${p.upstream.tag}\` | ${cell(verified)}${p.note ? `<br>${cell(p.note)}` : ''} |`,
    );
  }
  lines.push(
    '',
    '## Kubernetes charts',
    '',
    'Pinned in `lib/kubernetes/charts.ts` (`CHARTS`, evidence in `CHART_SOURCES`). Each chart runs',
    'the Docker target\'s image (the constants above), not the image of its appVersion, except',
    'Tempo (the chart\'s Tempo 2; see its row) and Mimir (no Docker counterpart).',
    '',
    '| engine | chart | version | Helm repository | appVersion | image run | source | verified by |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const p of CHART_PINS) {
    const src = CHART_SOURCES[p.chart];
    const run = p.images.length ? p.images.map(imageText).join(', ') : 'the chart\'s own';
    const verified = p.verifiedBy.map(verificationText).join('<br>');
    lines.push(
      `| ${cell(p.component)} | \`${p.name}\` | ${p.version} | ${p.helmRepository} | ${p.appVersion} | ${run} | ${src.repository} \`${src.tag}\`${src.commit ? ` (\`${src.commit.slice(0, 12)}\`)` : ''} | ${cell(verified)}${p.note ? `<br>${cell(p.note)}` : ''} |`,
    );
  }
  lines.push(
    '',
    '## Keeping the pins current',
    '',
    '`npm run versions` lists every pin above with the newest release tag it finds, from fetched',
    'bare git mirrors or from a JSON file of tags:',
    '',
    '```sh',
    'npm run versions -- --mirrors ~/mirrors    # owner+name/ (or owner+name/repo/): bare git repositories',
    'npm run versions -- --tags tags.json       # { "owner/name": ["v1.2.3", ...] }',
    'git clone --bare https://github.com/grafana/loki ~/mirrors/grafana+loki   # one way to make a mirror',
    '```',
    '',
    'It prints one row per pin: `current`, `newest` (the highest stable `x.y.z` tag matching the',
    'pin\'s tag pattern; pre-releases such as `-rc.1` or `-weekly.406` are ignored), and a status:',
    '`current`, `behind` (with `major` when the major version differs) or `unknown` (the',
    'repository is not in the mirrors or the JSON). Both sources can be given; the JSON wins for',
    'the repositories it lists. It exits 0 either way; `--fail-behind` makes it exit 1 when a pin',
    'is behind, and `--json` prints the rows as JSON.',
    '',
    'To move a pin:',
    '',
    '1. Read the release notes between the two versions and the configuration structs or flags',
    '   at the new tag for what the library writes (renamed or removed keys, changed defaults).',
    '2. Change the constant (images) or `CHARTS` and `CHART_SOURCES` (charts). For a chart,',
    '   re-derive its fact file in `test/fixtures/charts/<chart>-<version>.json` at the new tag',
    '   (the tests read the file of the pinned version, so a bump without new facts fails).',
    '3. Update the verification entries in `lib/versions.ts`, run `npm run gen:versions`, and',
    '   `npm test`.',
    '',
  );
  return lines.join('\n');
}
