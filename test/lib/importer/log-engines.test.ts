// Loki, Tempo and Promtail in the importer: the engine facts it relies on match the fixtures,
// bad files are refused with file and line, unknown keys are kept raw with a warning (never an
// exception), and the computed rawConfig keeps the input's behaviour.
import * as fs from 'fs';
import * as path from 'path';
import { importStack } from '../../../lib/importer';
import { caught, inputDir } from '../../helpers/import-files';
import { LOKI_DEFAULTS, TEMPO_DEFAULTS, TOP_LEVEL_KEYS } from '../../../lib/importer/log-defaults';
import { Commented, Notes } from '../../../lib/importer/model';
import { rawDiff } from '../../../lib/importer/raw-diff';
import { importLoki } from '../../../lib/importer/loki';
import { importTempo } from '../../../lib/importer/tempo';
import { fixtureDefaults } from '../../helpers/import-compare';

const ROOT = path.join(__dirname, '../../..');
const fact = (f: string) => JSON.parse(fs.readFileSync(path.join(ROOT, 'test/fixtures/engines', f), 'utf8'));
const { dir, write } = inputDir('obs-import-logs-');
const compose = (service: string, image: string, target: string, file: string, extra = '') =>
  write(`${service}-${path.basename(file)}/docker-compose.yml`, `services:\n  ${service}:\n    image: ${image}\n    command: -config.file=${target}\n    volumes:\n      - ${file}:${target}:ro\n${extra}`);

describe('engine facts', () => {
  test('every Loki default the importer relies on is the one the Loki 3.7.6 fixture records', () => {
    const fromFixture = Object.fromEntries(fixtureDefaults(fact('loki-3.7.6.json').keys).map(([re, v]) => [re.source.slice(1, -1).replace(/\\?\//g, '.'), v]));
    for (const [k, v] of Object.entries(LOKI_DEFAULTS)) expect([k, fromFixture[k]]).toEqual([k, fixtureDefaults({ [k]: `x, default ${String(v)}` })[0][1]]);
  });

  test('every Tempo default the importer relies on is the one the Tempo fixture records, per layout', () => {
    const t = fact('tempo-3.0.3.json');
    for (const gen of [2, 3] as const) {
      const fromFixture = Object.fromEntries(fixtureDefaults(t[`generation${gen}`].keys).map(([re, v]) => [re.source.slice(1, -1).replace(/\\?\//g, '.'), v]));
      for (const [k, v] of Object.entries(TEMPO_DEFAULTS[gen])) expect([gen, k, fromFixture[k]]).toEqual([gen, k, fixtureDefaults({ [k]: `x, default ${String(v)}` })[0][1]]);
    }
  });

  test('every key path the importers read is a key of the pinned engine (fixtures), per Tempo layout', () => {
    // The paths lib/importer/{loki,tempo,promtail}.ts read into typed props.
    const reads = {
      loki: ['server.log_level', 'limits_config.retention_period', 'limits_config.ingestion_rate_mb', 'limits_config.ingestion_burst_size_mb', 'limits_config.max_query_series', 'limits_config.max_entries_limit_per_query', 'limits_config.max_query_length', 'limits_config.max_query_parallelism', 'limits_config.per_stream_rate_limit', 'limits_config.reject_old_samples', 'limits_config.reject_old_samples_max_age', 'limits_config.allow_structured_metadata', 'limits_config.volume_enabled', 'schema_config.configs[].from', 'schema_config.configs[].store', 'schema_config.configs[].object_store', 'schema_config.configs[].schema', 'schema_config.configs[].index.prefix', 'schema_config.configs[].index.period', 'compactor.compaction_interval', 'compactor.retention_delete_delay', 'compactor.retention_enabled', 'compactor.delete_request_store', 'ruler.remote_write.enabled', 'ruler.remote_write.clients.<name>.url', 'ruler.storage.type', 'ruler.storage.local.directory', 'common.storage.filesystem.rules_directory'],
      tempo2: ['ingester.max_block_duration', 'compactor.compaction.block_retention', 'metrics_generator.registry.external_labels', 'metrics_generator.processor.span_metrics.dimensions', 'metrics_generator.processor.service_graphs.dimensions', 'metrics_generator.storage.remote_write[].url'],
      tempo3: ['live_store.max_block_duration', 'backend_worker.compaction.block_retention', 'metrics_generator.registry.external_labels', 'metrics_generator.processor.span_metrics.dimensions', 'metrics_generator.processor.service_graphs.dimensions', 'metrics_generator.storage.remote_write[].url'],
      promtail: ['clients[].url', 'clients[].tenant_id', 'positions.filename', 'scrape_configs[].docker_sd_configs[].host', 'scrape_configs[].docker_sd_configs[].refresh_interval', 'scrape_configs[].static_configs[].labels', 'scrape_configs[].pipeline_stages[].json.expressions', 'scrape_configs[].pipeline_stages[].logfmt.mapping', 'scrape_configs[].pipeline_stages[].labels', 'scrape_configs[].pipeline_stages[].structured_metadata', 'scrape_configs[].pipeline_stages[].drop.expression', 'scrape_configs[].pipeline_stages[].drop.drop_counter_reason'],
    };
    const t = fact('tempo-3.0.3.json');
    const known = { loki: fact('loki-3.7.6.json').keys, tempo2: t.generation2.keys, tempo3: t.generation3.keys, promtail: fact('promtail-3.6.11.json').keys };
    for (const [engine, paths] of Object.entries(reads)) {
      expect([engine, paths.filter((p) => !(p in known[engine as keyof typeof known]))]).toEqual([engine, []]);
    }
  });

  test('the top-level keys are the fixture\'s, tag by tag', () => {
    const f = fact('log-engines-top-level.json');
    expect(TOP_LEVEL_KEYS.loki37).toEqual(f.loki['v3.7.6'].keys);
    expect(TOP_LEVEL_KEYS.loki34).toEqual(f.loki['v3.4.0'].keys);
    expect(TOP_LEVEL_KEYS.tempo3).toEqual(f.tempo['v3.0.3'].keys);
    expect(TOP_LEVEL_KEYS.tempo2).toEqual(f.tempo['v2.6.0'].keys);
    expect(TOP_LEVEL_KEYS.promtail).toEqual(f.promtail['v3.6.11'].keys);
  });
});

describe('bad files', () => {
  test('invalid YAML in the mounted Loki file names that file and the line', () => {
    const bad = write('bad/loki.yaml', 'auth_enabled: false\nlimits_config:\n  retention_period: 30d\n  retention_period: 7d\n');
    const e = caught(() => importStack({ compose: compose('loki', 'grafana/loki:3.7.6', '/etc/loki/loki.yaml', bad), out: path.join(dir, 'main.ts') }));
    expect(e.file).toBe(path.relative(process.cwd(), bad));
    expect(e.line).toBe(4);
    expect(e.message).toMatch(/loki\.yaml:4: invalid YAML/);
  });

  test('a file mounted into Loki that is not a Loki config is refused, saying what it looks like', () => {
    const prom = write('wrong/prometheus.yml', 'global:\n  scrape_interval: 15s\nscrape_configs: []\n');
    const e = caught(() => importStack({ compose: compose('loki', 'grafana/loki:3.7.6', '/etc/loki/loki.yaml', prom), out: path.join(dir, 'main.ts') }));
    expect(e.message).toMatch(/prometheus\.yml:1: this is not a loki file: it has none of schema_config, limits_config, .* \(top-level keys: global, scrape_configs\); it looks like a prometheus file/);
  });

  test('a Tempo file mounted into Promtail is refused', () => {
    const tempo = write('wrong/tempo.yaml', 'distributor:\n  receivers: {}\n');
    const e = caught(() => importStack({ compose: compose('promtail', 'grafana/promtail:3.6.11', '/etc/promtail/config.yml', tempo), out: path.join(dir, 'main.ts') }));
    expect(e.message).toMatch(/this is not a promtail file: .*it looks like a tempo file \(mount it into the matching Compose service\)/);
  });
});

describe('unknown keys: kept raw with a warning, never an exception', () => {
  test('a misspelt Loki section is kept raw, with a warning suggesting the key', () => {
    const notes = new Notes();
    const props = importLoki('loki.yaml', 'auth_enabled: false\nlimit_config:\n  retention_period: 7d\n', notes, { alertmanagerUrls: [], hostDirs: {} });
    expect((props.rawConfig as Commented).value).toMatchObject({ limit_config: { retention_period: '7d' } });
    expect(notes.notes).toContainEqual({ kind: 'warning', file: 'loki.yaml', where: 'limit_config', message: expect.stringMatching(/not a top-level key of Loki's configuration: kept raw \(rawConfig\), but Loki refuses unknown keys at start; did you mean limits_config\?/) });
  });

  test('Tempo 2 sections on a Tempo 3 image are kept raw, with a warning', () => {
    const notes = new Notes();
    const props = importTempo('tempo.yaml', 'ingester:\n  max_block_duration: 5m\nstorage:\n  trace:\n    backend: local\n', notes, { generation: 3, traceIdLabel: 'trace_id' });
    expect((props.rawConfig as Commented).value).toMatchObject({ ingester: { max_block_duration: '5m' } });
    expect(notes.notes.filter((n) => n.kind === 'warning').map((n) => n.where)).toEqual(expect.arrayContaining(['ingester', 'ingester']));
    expect(notes.notes.map((n) => n.message).join('\n')).toMatch(/sections of the Tempo 2\.x layout, but the image reads the 3\.x layout/);
  });
});

describe('rawDiff', () => {
  test('a key the construct writes at the engine default is a default made explicit; another value is removed (null)', () => {
    const notes = new Notes();
    const d = rawDiff('f.yaml', { a: { keep: 1 } }, { a: { keep: 1, dflt: '1h', lib: true } }, { 'a.dflt': '60m' }, notes, 'X');
    expect(d.defaults).toEqual([{ path: 'a.dflt', value: '1h' }]);
    expect(d.raw).toEqual({ a: { lib: expect.any(Commented) } });
    expect((d.raw!.a as Record<string, Commented>).lib.value).toBeNull();
    expect(notes.notes.map((n) => `${n.kind} ${n.where}`)).toEqual(['escape-hatch a.lib', 'default a.dflt']);
  });

  test('input values differing in spelling only (30d and 720h) need no raw key', () => {
    expect(rawDiff('f', { r: '30d', n: 10 }, { r: '720h', n: '10' }, {}, new Notes(), 'X').raw).toBeUndefined();
  });
});

describe('data', () => {
  test('a Loki data volume mounted elsewhere keeps its Compose name, and the paths under it move with it', () => {
    const cfg = write('data/loki.yaml', 'common:\n  path_prefix: /var/loki\n  storage:\n    filesystem:\n      chunks_directory: /var/loki/chunks\nschema_config:\n  configs: []\n');
    const r = importStack({ compose: compose('loki', 'grafana/loki:3.7.6', '/etc/loki/loki.yaml', cfg, '      - logs:/var/loki\nvolumes:\n  logs:\n    name: prod-loki\n'), out: path.join(dir, 'main.ts') });
    expect(r.code).toContain("volumeNames: { data: 'prod-loki' }");
    expect(r.notes).toContainEqual(expect.objectContaining({ kind: 'choice', where: 'common.storage.filesystem.chunks_directory', message: expect.stringMatching(/\/var\/loki\/chunks → \/loki\/chunks: the data volume was mounted at \/var\/loki; the construct mounts it at \/loki, so the same files in the volume are found/) }));
  });

  test('without a named volume the report says the data was not kept', () => {
    const cfg = write('novol/loki.yaml', 'auth_enabled: false\nschema_config:\n  configs: []\n');
    const r = importStack({ compose: compose('loki', 'grafana/loki:3.7.6', '/etc/loki/loki.yaml', cfg), out: path.join(dir, 'main.ts') });
    expect(r.report).toMatch(/no named volume held Loki's data in Compose \(it was lost with the container\): the construct keeps it on a new volume at \/loki/);
  });
});

describe('secrets in raw sections', () => {
  test('a literal S3 secret and a ${VAR} reference going raw become sensitive variables (the report lists them)', () => {
    const notes = new Notes();
    const props = importLoki('loki.yaml', 'common:\n  storage:\n    s3:\n      bucketnames: logs\n      access_key_id: ${S3_KEY_ID}\n      secret_access_key: s3cr3t-in-raw\n', notes, { alertmanagerUrls: [], hostDirs: {} });
    expect(JSON.stringify((props.rawConfig as Commented).value)).not.toContain('s3cr3t-in-raw');
    expect(notes.secretVariables.sort()).toEqual(['TF_VAR_loki_common_storage_s3_secret_access_key', 'TF_VAR_s3_key_id']);
    expect(notes.notes.filter((n) => n.kind === 'secret').map((n) => n.where).sort()).toEqual(['common.storage.s3.access_key_id', 'common.storage.s3.secret_access_key']);
  });
});

describe('review: rawDiff keeps the enclosing key when it looks for credentials', () => {
  test('a credential header the construct does not render, under a headers map it renders, becomes a secret variable', () => {
    const notes = new Notes();
    const d = rawDiff('f.yaml', { client: { headers: { 'X-Scope-OrgID': 't', 'X-Api-Key': 'literal-key-123' } } }, { client: { headers: { 'X-Scope-OrgID': 't' } } }, {}, notes, 'X');
    expect(JSON.stringify(d.raw)).not.toContain('literal-key-123');
  });
});

describe('review: Compose environment values that are URLs with credentials', () => {
  test('a Grafana GF_DATABASE_URL with a password becomes a sensitive variable, not literal code', () => {
    const f = write('gfdb/docker-compose.yml', 'services:\n  grafana:\n    image: grafana/grafana:12.3.1\n    environment:\n      - GF_DATABASE_URL=postgres://grafana:hunter2-db@db:5432/grafana\n      - GF_LOG_LEVEL=warn\n');
    const r = importStack({ compose: f, out: path.join(dir, 'gfdb-main.ts') });
    expect(r.code).not.toContain('hunter2-db');
    expect(r.code).toContain("GF_LOG_LEVEL: 'warn'");
  });
});

describe('review: -config.file given as two words', () => {
  test('a Loki command ["-config.file", path] imports the mounted config and passes no stray argument', () => {
    const cfg = write('twowords/loki.yaml', 'auth_enabled: false\nlimits_config:\n  retention_period: 336h\nschema_config:\n  configs: []\n');
    const f = write('twowords/docker-compose.yml', `services:\n  loki:\n    image: grafana/loki:3.7.6\n    command: ["-config.file", "/etc/loki/loki.yaml"]\n    volumes:\n      - ${cfg}:/etc/loki/loki.yaml:ro\n`);
    const r = importStack({ compose: f, out: path.join(dir, 'twowords-main.ts') });
    expect(r.report).not.toMatch(/no mounted config file/);
    expect(r.code).not.toMatch(/extraArgs/);
  });
});
