/**
 * Secrets in ordinary fields (issue 13, class 5): credentials in URLs, secret query
 * parameters and webhook paths, secret headers, and sensitive variables interpolated into
 * plain files are refused wherever they would reach cdk.tf.json or a plain config file.
 */
import fc from 'fast-check';
import { PrometheusServer } from '../../../constructs/prometheus-server';
import { secretVariable, SECRET_PARAM_NAME, urlSecretProblem } from '../../../lib/core/secrets';
import { synthJson, testStack } from '../../helpers/synth';

const SECRET_PARAMS = ['api_key', 'apikey', 'API-KEY', 'access_token', 'auth', 'token', 'secret', 'client_secret', 'password', 'sig', 'signature', 'private_token', 'key'];
const PLAIN_PARAMS = ['module', 'target', 'match[]', 'format', 'page', 'q', 'tenant', 'keyboard', 'monkey'];
const url = fc.record({
  scheme: fc.constantFrom('http', 'https'),
  user: fc.option(fc.constantFrom('alice', 'svc'), { nil: undefined }),
  password: fc.option(fc.constantFrom('hunter2', 's3cr3t-token', ''), { nil: undefined }),
  host: fc.constantFrom('loki:3100', 'logs.example.com', '10.0.0.5:9090', 'hooks.slack.com', 'discord.com'),
  path: fc.constantFrom('/', '/loki/api/v1/push', '/services/T000/B000/XXXX', '/api/webhooks/1/abc', '/api/v1/write'),
  params: fc.array(fc.tuple(fc.constantFrom(...SECRET_PARAMS, ...PLAIN_PARAMS), fc.constantFrom('x', 'abc123')), { maxLength: 3 }),
});

describe('urlSecretProblem (property)', () => {
  test('refused exactly when a password, a secret-named parameter or a token path is in the URL', () => {
    fc.assert(
      fc.property(url, (u) => {
        const userinfo = u.user !== undefined ? `${u.user}${u.password !== undefined ? `:${u.password}` : ''}@` : '';
        const query = u.params.length ? `?${u.params.map(([k, v]) => `${k}=${v}`).join('&')}` : '';
        const text = `${u.scheme}://${userinfo}${u.host}${u.path}${query}`;
        const tokenPath = (u.host === 'hooks.slack.com' && u.path.startsWith('/services/')) || (u.host === 'discord.com' && u.path.startsWith('/api/webhooks/'));
        const expected = (u.user !== undefined && u.password !== undefined) || u.params.some(([k]) => SECRET_PARAM_NAME.test(k)) || tokenPath;
        const problem = urlSecretProblem(text);
        expect(problem !== undefined).toBe(expected);
        // The message never repeats the secret itself.
        if (problem) for (const s of ['hunter2', 's3cr3t-token', 'abc123', 'XXXX']) expect(problem).not.toContain(s);
      }),
      { numRuns: 600, seed: 1305 },
    );
  });

  test('a URL that is a reference as a whole is fine', () => {
    const stack = testStack();
    expect(urlSecretProblem(secretVariable(stack, 'hook').stringValue)).toBeUndefined();
  });
});

describe('a sensitive variable interpolated into a plain file', () => {
  test('an external label built from a secret is refused at synth, naming the file and the variable', () => {
    const stack = testStack();
    new PrometheusServer(stack, 'Prometheus', { externalLabels: { token: `t-${secretVariable(stack, 'api_token').stringValue}` } });
    expect(() => synthJson(stack)).toThrow(/\/etc\/prometheus\/prometheus\.yml is a plain configuration file but interpolates the sensitive variable "api_token"/);
  });
  test('an ordinary variable is fine', () => {
    const stack = testStack();
    const { TerraformVariable } = require('cdktf') as typeof import('cdktf');
    const env = new TerraformVariable(stack, 'env', { type: 'string' });
    new PrometheusServer(stack, 'Prometheus', { externalLabels: { env: env.stringValue } });
    expect(() => synthJson(stack)).not.toThrow();
  });
});
