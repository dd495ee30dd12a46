import { Token } from 'cdktf';
import { escapeTemplate, unescapeTemplate } from '../../../lib/core/tf-escape';
import { haveTool, terraformEvaluate } from '../../helpers/synth';

describe('escapeTemplate', () => {
  test('escapes interpolations and directives in literal text', () => {
    expect(escapeTemplate('replacement: "${1}"')).toBe('replacement: "$${1}"');
    expect(escapeTemplate('%{ if true }x%{ endif }')).toBe('%%{ if true }x%%{ endif }');
    expect(escapeTemplate('url: "$${__value.raw}"')).toBe('url: "$$${__value.raw}"');
  });

  test('leaves text without templates unchanged, including lone $ and %', () => {
    const text = 'cost: $5 and 50% of {{ $labels.service }} $1:$2';
    expect(escapeTemplate(text)).toBe(text);
  });

  test('keeps cdktf tokens as references while escaping around them', () => {
    const token = Token.asString({ ref: 'var.password' });
    const out = escapeTemplate(`a: \${1}\npassword: ${token}\nb: %{x}`);
    expect(out).toBe(`a: $\${1}\npassword: ${token}\nb: %%{x}`);
  });

  test('unescapeTemplate inverts escapeTemplate and substitutes references', () => {
    const original = 'r: "${1}" d: %{ x } money: $$ and $${ keep';
    expect(unescapeTemplate(escapeTemplate(original))).toBe(original);
    expect(unescapeTemplate('pw: ${var.smtp_password}', (e) => `<${e}>`)).toBe('pw: <var.smtp_password>');
  });
});

describe('escapeTemplate against the real terraform binary', () => {
  const hasTerraform = haveTool('terraform');
  (hasTerraform ? test : test.skip)('terraform evaluates escaped strings back to the original text', () => {
    const cases: Record<string, string> = {
      relabel: 'replacement: "${1}"\ntarget_label: instance',
      grafana: 'url: "${__value.raw}"',
      directive: '%{ if true }x%{ endif }',
      doubled: 'already $${escaped} and %%{ this }',
      dollars: 'regex: ([^:]+)(?::\\d+)?;(\\d+)\nreplacement: $1:$2 and $$ and ${',
      quotes: 'body: \'{"healthcheck": true}\'\nmulti\nline\ttab \\ backslash',
    };
    const escaped = Object.fromEntries(Object.entries(cases).map(([k, v]) => [k, escapeTemplate(v)]));
    const evaluated = terraformEvaluate(escaped);
    expect(evaluated).toEqual(cases);
    // and our own unescape agrees with terraform on every case
    for (const [k, v] of Object.entries(escaped)) expect(unescapeTemplate(v)).toBe(evaluated[k]);
  });

  (hasTerraform ? test : test.skip)('without escaping, terraform rewrites the course relabel replacement (the trap this guards against)', () => {
    const evaluated = terraformEvaluate({ raw: 'replacement: "$${1}" vs ${"1"}' });
    expect(evaluated.raw).toBe('replacement: "${1}" vs 1');
  });
});
