/**
 * Collisions (issue 13, class 8): names that differ must never share a file, and above all
 * never a secret file; file names stay within 255 bytes.
 */
import fc from 'fast-check';
import { PrometheusServer } from '../../../constructs/prometheus-server';
import { fileSafeName } from '../../../lib/core/names';
import { secretVariable } from '../../../lib/core/secrets';
import { container, synthJson, testStack } from '../../helpers/synth';

const name = fc.oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }), fc.constantFrom('api v1', 'api/v1', 'api_v1', 'api  v1', '.', '..', 'a'.repeat(300), 'é'.repeat(200)));

describe('fileSafeName (property)', () => {
  test('distinct names give distinct, safe file names of at most 120 bytes', () => {
    fc.assert(
      fc.property(name, name, (a, b) => {
        const fa = fileSafeName(a);
        expect(fa).toMatch(/^[A-Za-z0-9_.-]+$/);
        expect(Buffer.byteLength(fa)).toBeLessThanOrEqual(120);
        expect(['.', '..']).not.toContain(fa);
        if (a !== b) expect(fa).not.toBe(fileSafeName(b));
      }),
      { numRuns: 800 },
    );
  });
  test('a name that is already safe is kept as it is', () => {
    expect(fileSafeName('node-exporter_1.2')).toBe('node-exporter_1.2');
  });
});

describe('scrape jobs whose names used to share a secret file', () => {
  test('"api v1" and "api/v1" each get their own password file', () => {
    const stack = testStack();
    const prometheus = new PrometheusServer(stack, 'Prometheus');
    prometheus.addScrapeJob({ jobName: 'api v1', targets: ['a:1'], basicAuth: { username: 'u', password: secretVariable(stack, 'p1').stringValue } });
    prometheus.addScrapeJob({ jobName: 'api/v1', targets: ['b:1'], basicAuth: { username: 'u', password: secretVariable(stack, 'p2').stringValue } });
    const uploads = (container(synthJson(stack), 'prometheus').upload as Array<{ file: string; content: string }>).filter((u) => u.file.includes('basic_auth_password'));
    expect(uploads.map((u) => u.content).sort()).toEqual(['${var.p1}', '${var.p2}']);
    expect(new Set(uploads.map((u) => u.file)).size).toBe(2);
  });
});
