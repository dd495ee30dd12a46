/**
 * Token-shaped literals (issue 13, class 2): a user's string that looks like a cdktf token but
 * is not one of this app must reach the file exactly, neither crashing synth ("Unrecognized
 * Token Key") nor left for Terraform to evaluate.
 */
import { TerraformOutput, TerraformVariable, Token } from 'cdktf';
import fc from 'fast-check';
import { PrometheusServer } from '../../../constructs/prometheus-server';
import { escapeTemplate, unescapeTemplate } from '../../../lib/core/tf-escape';
import { toYaml } from '../../../lib/core/yaml';
import { containerFiles, haveTool, rawFiles, synthJson, terraformEvaluate, testStack } from '../../helpers/synth';

/** Pieces that build token look-alikes, escapes and directives in every combination. */
const PIECES = ['$', '$$', '{', '}', '%', '%{', '${', '$${', 'TfToken[', 'TOKEN.999', 'TOKEN.99999', 'x y', ']', ']}', '#{TfToken[', 'a', ' ', '"', '\\', ':'];
const lookalike = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 12 }).map((p) => p.join(''));
/** Always holds at least one token-shaped literal that no cdktf token has. */
const withFakeToken = fc.tuple(lookalike, fc.constantFrom('${TfToken[TOKEN.999999]}', '${TfToken[x y]}', '${TfToken[]}', '$${TfToken[TOKEN.424242]}', '${TfToken[a:b.c_d-e]}'), lookalike).map((p) => p.join(''));

describe('escapeTemplate with token look-alikes (property)', () => {
  test('no token marker is left for cdktf to look up, and unescaping gives the text back', () => {
    fc.assert(
      fc.property(fc.oneof(lookalike, withFakeToken), (s) => {
        const out = escapeTemplate(s);
        expect(out).not.toMatch(/\$\{TfToken\[[a-zA-Z0-9:._-]+\]\}/);
        expect(unescapeTemplate(out)).toBe(s);
      }),
      { numRuns: 1000 },
    );
  });

  test('a real token of this app next to a look-alike stays a reference', () => {
    const token = Token.asString({ ref: 'var.team' });
    const out = escapeTemplate(`${token} \${TfToken[TOKEN.999999]}`);
    expect(out).toBe(`${token} \${"$"}{TfToken[TOKEN.999999]}`);
  });

  test('toYaml leaves a quoted look-alike quoted and jsonencodes only real tokens', () => {
    const token = Token.asString({ ref: 'var.team' });
    const text = toYaml({ real: token, fake: '${TfToken[TOKEN.999999]}', quoted: "'${TfToken[x]}'" });
    expect(text).toMatch(/^real: \$\{TfToken\[TOKEN\.\d+\]\}$/m);
    expect(text).toContain('fake: ${TfToken[TOKEN.999999]}');
  });
});

const hasTerraform = haveTool('terraform');

describe('token look-alikes through a construct, synthesized and evaluated by terraform', () => {
  (hasTerraform ? test : test.skip)('every generated string reaches prometheus.yml exactly', () => {
    const values = fc.sample(withFakeToken, { numRuns: 40, seed: 1313 });
    const stack = testStack();
    const team = new TerraformVariable(stack, 'team', { type: 'string' });
    const labels: Record<string, string> = Object.fromEntries(values.map((v, i) => [`l${i}`, v]));
    new PrometheusServer(stack, 'Prometheus', { externalLabels: { ...labels, team: team.stringValue } });
    new TerraformOutput(stack, 'unused', { value: 'x' });
    const json = synthJson(stack); // no "Unrecognized Token Key"
    const raw = rawFiles(json, 'prometheus')['/etc/prometheus/prometheus.yml'];
    expect(raw).toContain('team: ${jsonencode(var.team)}');
    // Terraform evaluates the file content: the literal parts come back as the user wrote them.
    const evaluated = terraformEvaluate({ file: raw.replace('${jsonencode(var.team)}', 'TEAM') }).file;
    const { parse } = require('yaml') as typeof import('yaml');
    const external = parse(evaluated).global.external_labels;
    for (const [k, v] of Object.entries(labels)) expect(external[k]).toBe(v);
    expect(parse(containerFiles(json, 'prometheus')['/etc/prometheus/prometheus.yml']).global.external_labels.l0).toBe(values[0]);
  });
});
