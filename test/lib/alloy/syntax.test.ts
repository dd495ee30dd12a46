import { TerraformVariable } from 'cdktf';
import { attr, attrs, block, comment, component, exportOf, isReference, quote, ref, renderAlloy, renderValue } from '../../../lib/alloy/syntax';
import { testStack } from '../../helpers/synth';

describe('Alloy syntax writer', () => {
  test('strings are double-quoted with Alloy escapes', () => {
    expect(quote('plain')).toBe('"plain"');
    expect(quote('a "quoted" word')).toBe('"a \\"quoted\\" word"');
    expect(quote('back\\slash')).toBe('"back\\\\slash"');
    expect(quote('line\nbreak\ttab\rcr')).toBe('"line\\nbreak\\ttab\\rcr"');
    expect(quote('bell\u0007del\u007f')).toBe('"bell\\u0007del\\u007f"');
    expect(quote('é ünïcode ✓')).toBe('"é ünïcode ✓"');
    // A regex keeps its backslashes, doubled once.
    expect(quote('([^:]+)(?::\\d+)?;(\\d+)')).toBe('"([^:]+)(?::\\\\d+)?;(\\\\d+)"');
  });

  test('scalars', () => {
    expect(renderValue(42)).toBe('42');
    expect(renderValue(3.5)).toBe('3.5');
    expect(renderValue(-1)).toBe('-1');
    expect(renderValue(true)).toBe('true');
    expect(renderValue(false)).toBe('false');
    expect(renderValue(null)).toBe('null');
    expect(() => renderValue(Number.NaN)).toThrow(/must be finite/);
    expect(() => renderValue(Infinity)).toThrow(/must be finite/);
  });

  test('references are written unquoted, strings that look like references are quoted', () => {
    expect(renderValue(ref('loki.write.default.receiver'))).toBe('loki.write.default.receiver');
    expect(renderValue('loki.write.default.receiver')).toBe('"loki.write.default.receiver"');
    expect(renderValue([ref('a.b.c.receiver'), 'a.b.c.receiver'])).toBe('[a.b.c.receiver, "a.b.c.receiver"]');
    expect(isReference(ref('x.y'))).toBe(true);
    // An object that merely has a `path` key is an object, never a reference.
    expect(isReference({ path: 'x.y' })).toBe(false);
    expect(renderValue({ path: 'x.y' })).toBe('{\n  path = "x.y",\n}');
    expect(() => ref('loki.write."default".receiver')).toThrow(/dotted identifiers/);
    expect(() => ref('')).toThrow(/dotted identifiers/);
  });

  test('exportOf references a labelled component', () => {
    const write = component('loki.write', 'default', []);
    expect(renderValue(exportOf(write, 'receiver'))).toBe('loki.write.default.receiver');
    expect(() => exportOf(block('endpoint', []), 'url')).toThrow(/has no label/);
  });

  test('arrays and objects, nested, with aligned keys and trailing commas', () => {
    expect(renderValue([])).toBe('[]');
    expect(renderValue({})).toBe('{}');
    expect(renderValue(['a', 1, true])).toBe('["a", 1, true]');
    expect(renderValue({ level: 'level', trace_id: 'traceId', 'trace.id': 'x', true: 1, '2xx': 2 })).toBe(
      ['{', '  level      = "level",', '  trace_id   = "traceId",', '  "trace.id" = "x",', '  "true"     = 1,', '  "2xx"      = 2,', '}'].join('\n'),
    );
    expect(renderValue([{ __path__: '/var/log/*.log', job: 'varlogs' }, { a: [1, { b: ref('x.y.z') }] }])).toBe(
      [
        '[',
        '  {',
        '    __path__ = "/var/log/*.log",',
        '    job      = "varlogs",',
        '  },',
        '  {',
        '    a = [',
        '      1,',
        '      {',
        '        b = x.y.z,',
        '      },',
        '    ],',
        '  },',
        ']',
      ].join('\n'),
    );
    // Undefined object values are left out.
    expect(renderValue({ a: 'x', b: undefined })).toBe('{\n  a = "x",\n}');
  });

  test('a whole file: components, nested blocks, comments, aligned attributes (golden)', () => {
    const write = component('loki.write', 'default', [block('endpoint', attrs({ url: 'http://loki:3100/loki/api/v1/push', tenant_id: undefined }))]);
    const process = component('loki.process', 'pipeline', [
      attr('forward_to', [exportOf(write, 'receiver')]),
      comment('Parse JSON'),
      block('stage.json', attrs({ expressions: { level: 'level', trace_id: 'trace_id' } })),
      block('stage.drop', attrs({ expression: '.*GET /health.*', drop_counter_reason: 'healthcheck' })),
    ]);
    const out = renderAlloy([process, write, component('discovery.docker', 'empty', [])], 'header\nsecond line');
    expect(out).toBe(
      [
        '// header',
        '// second line',
        '',
        'loki.process "pipeline" {',
        '  forward_to = [loki.write.default.receiver]',
        '',
        '  // Parse JSON',
        '  stage.json {',
        '    expressions = {',
        '      level    = "level",',
        '      trace_id = "trace_id",',
        '    }',
        '  }',
        '',
        '  stage.drop {',
        '    expression          = ".*GET /health.*"',
        '    drop_counter_reason = "healthcheck"',
        '  }',
        '}',
        '',
        'loki.write "default" {',
        '  endpoint {',
        '    url = "http://loki:3100/loki/api/v1/push"',
        '  }',
        '}',
        '',
        'discovery.docker "empty" { }',
        '',
      ].join('\n'),
    );
  });

  test('output is deterministic', () => {
    const build = () =>
      renderAlloy([
        component('discovery.docker', 'c', attrs({ host: 'unix:///var/run/docker.sock', refresh_interval: '5s' })),
        component('loki.source.docker', 'c', attrs({ targets: ref('discovery.docker.c.targets'), labels: { job: 'docker', b: 'x' } })),
      ]);
    expect(build()).toBe(build());
  });

  test('invalid names are refused', () => {
    expect(() => renderAlloy([attr('bad-name', 1)])).toThrow(/attribute name must be an identifier .*"bad-name"/);
    expect(() => renderAlloy([component('loki.write', 'my label', [])])).toThrow(/label of loki.write must be an identifier .*"my label"/);
    expect(() => renderAlloy([block('stage..json', [])])).toThrow(/block name must be dotted identifiers/);
  });

  test('a cdktf token is inlined with jsonencode (a JSON string is a valid Alloy string)', () => {
    const v = new TerraformVariable(testStack(), 'url', { type: 'string' });
    const out = renderValue(v.stringValue);
    expect(out).toMatch(/^\$\{TfToken\[[^\]]+\]\}$/);
    expect(out.startsWith('"')).toBe(false);
  });
});
