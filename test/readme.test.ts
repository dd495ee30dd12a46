import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');

/** The lines between `// README:<name>:start` and `:end`, dedented. */
function region(file: string, name: string): string {
  const lines = fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  const start = lines.findIndex((l) => l.includes(`README:${name}:start`));
  const end = lines.findIndex((l) => l.includes(`README:${name}:end`));
  const body = lines.slice(start + 1, end);
  const indent = Math.min(...body.filter((l) => l.trim()).map((l) => l.match(/^ */)![0].length));
  return body.map((l) => l.slice(indent)).join('\n');
}

describe('README', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

  test('opens with the install+synth command and the test command', () => {
    const firstBlock = readme.split('```sh\n')[1].split('```')[0];
    expect(firstBlock).toMatch(/^npm ci && npm run synth\s+#.*\nnpm test\s+#/);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.synth).toMatch(/cdktf synth/);
    expect(pkg.scripts.test).toMatch(/tsc .*--noEmit && jest/);
  });

  test('its code snippet is the compiled example, verbatim', () => {
    expect(readme).toContain(region('examples/prometheus-only/main.ts', 'prometheus-only'));
  });
});

describe('README alerting snippet', () => {
  test('is the compiled alerting example, verbatim', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(region('examples/alerting/main.ts', 'alerting'));
  });
});

describe('README SLO snippet', () => {
  test('is the default stack code, verbatim', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(region('stacks/course-stack.ts', 'slo'));
  });
});

describe('README dashboard snippet', () => {
  test('is the compiled Grafana Cloud example, verbatim', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(region('examples/grafana-cloud/main.ts', 'dashboard'));
  });
});

describe('README logs and traces snippet', () => {
  test('is the compiled example, verbatim', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(region('examples/logs-and-traces/main.ts', 'logs-traces'));
  });
});

describe('docs/kubernetes.md snippet', () => {
  test('is the compiled Kubernetes example, verbatim', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs/kubernetes.md'), 'utf8');
    expect(doc).toContain(region('examples/kubernetes/main.ts', 'kubernetes'));
  });
});
