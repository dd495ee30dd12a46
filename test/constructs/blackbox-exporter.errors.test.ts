import { BlackboxExporter } from '../../constructs/blackbox-exporter';
import { blackboxCheck, haveTool, synthJson, testStack } from '../helpers/synth';

function exporter() {
  return new BlackboxExporter(testStack(), 'Blackbox');
}

describe('BlackboxExporter rejects bad input', () => {
  test('a misspelt prober, which the exporter itself accepts', () => {
    expect(() => exporter().addModule('web', { prober: 'htttp' as never })).toThrow(
      /^\[test\/Blackbox\] blackbox module "web": prober "htttp" is not a blackbox prober \(did you mean "http"\?\)\. Use one of http, tcp, icmp, dns, grpc\. The exporter itself would accept it/,
    );
  });

  (haveTool('prometheus-blackbox-exporter') ? test : test.skip)('(the real exporter accepts prober: htttp, which is why we check it)', () => {
    const r = blackboxCheck('modules:\n  web:\n    prober: htttp\n');
    expect(r.code).toBe(0);
  });

  test('a dns module without a query name', () => {
    expect(() => exporter().addModule('dns', { prober: 'dns' })).toThrow(/blackbox module "dns": the dns prober needs dns\.queryName \(got undefined\)/);
  });

  test('an unknown DNS rcode', () => {
    expect(() => exporter().addModule('dns', { prober: 'dns', dns: { queryName: 'a.b', validRcodes: ['OK'] } })).toThrow(/dns\.valid_rcodes\[0\] is not a DNS rcode \(got "OK"\)/);
  });

  test('settings for another prober', () => {
    expect(() => exporter().addModule('m', { prober: 'tcp', http: { method: 'GET' } })).toThrow(/blackbox module "m": has http settings but its prober is tcp/);
  });

  test('a bad timeout', () => {
    expect(() => exporter().addModule('m', { prober: 'tcp', timeout: '5 seconds' })).toThrow(/blackbox module "m": timeout is not a valid duration \(got "5 seconds"\)/);
  });

  test('an invalid status code', () => {
    expect(() => exporter().addModule('m', { prober: 'http', http: { validStatusCodes: [200, 2000] } })).toThrow(/http\.valid_status_codes\[1\] must be an HTTP status between 100 and 599 \(got 2000\)/);
  });

  test('a body with GET', () => {
    expect(() => exporter().addModule('m', { prober: 'http', http: { body: '{}' } })).toThrow(/http\.body is set but the method is GET/);
  });

  test('a duplicate module', () => {
    expect(() => exporter().addModule('http_2xx', { prober: 'http' })).toThrow(/blackbox module "http_2xx" is already defined/);
  });

  test('a module name that cannot be a URL parameter', () => {
    expect(() => exporter().addModule('http 2xx', { prober: 'http' })).toThrow(/blackbox module "http 2xx": the name must be letters, digits/);
  });

  test('an http probe target that is not a URL', () => {
    expect(() => exporter().probe('web', { module: 'http_2xx', targets: ['devopslab.ch'] })).toThrow(/probe job "web": target "devopslab\.ch" is not an http\(s\) URL, but module http_2xx uses the http prober/);
  });

  test('a tcp probe target without a port', () => {
    expect(() => exporter().probe('db', { module: 'tcp_connect', targets: ['db'] })).toThrow(/target "db" is not host:port, but module tcp_connect uses the tcp prober/);
  });

  test('a probe with no targets', () => {
    expect(() => exporter().probe('none', { module: 'http_2xx', targets: [] })).toThrow(/probe job "none" has no targets/);
  });

  test('a probe through an undefined module fails synth validation', () => {
    const stack = testStack();
    const bb = new BlackboxExporter(stack, 'Blackbox');
    bb.probe('web', { module: 'http_200', targets: ['https://a.b'] });
    expect(() => synthJson(stack)).toThrow(/probe job "web" uses module "http_200", which this exporter does not define \(it has http_2xx, tcp_connect\)/);
  });

  test('a module added after probing is found (order does not matter)', () => {
    const stack = testStack();
    const bb = new BlackboxExporter(stack, 'Blackbox');
    bb.probe('web', { module: 'http_post', targets: ['https://a.b'] });
    bb.addModule('http_post', { prober: 'http', http: { method: 'POST', body: '{}' } });
    expect(() => synthJson(stack)).not.toThrow();
  });
});
