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

/** Every `// README:<name>:start` region of the compiled examples and stacks. */
function regions(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const dir of ['examples', 'stacks']) {
    const files = fs.readdirSync(path.join(ROOT, dir), { recursive: true }).map(String).filter((f) => f.endsWith('.ts'));
    for (const f of files) {
      const file = path.join(dir, f);
      for (const m of fs.readFileSync(path.join(ROOT, file), 'utf8').matchAll(/README:([a-z-]+):start/g)) out.push([`${file} ${m[1]}`, region(file, m[1])]);
    }
  }
  return out;
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

  test('has the snippets of the examples and the default stack', () => {
    expect(regions().map(([where]) => where.split(' ')[1]).sort()).toEqual(['alerting', 'dashboard', 'full-stack', 'grafana-alerting', 'logs-traces', 'prometheus-only', 'service', 'slo'].sort());
  });

  test.each(regions())('snippet %s is in the README verbatim', (_where, code) => {
    expect(readme).toContain(code);
  });

  test('every relative link points at a file of the repository', () => {
    for (const [, target] of readme.matchAll(/\]\(((?!https?:)[^)#]+)(#[^)]*)?\)/g)) expect([target, fs.existsSync(path.join(ROOT, target))]).toEqual([target, true]);
  });
});

describe('docs/guides/snapshot-testing.md', () => {
  test('its copyable test is test/guides/snapshot-testing.test.ts, verbatim (which runs in the suite)', () => {
    const guide = fs.readFileSync(path.join(ROOT, 'docs/guides/snapshot-testing.md'), 'utf8');
    const code = fs.readFileSync(path.join(ROOT, 'test/guides/snapshot-testing.test.ts'), 'utf8');
    expect(guide).toContain('```ts\n' + code + '```');
  });
});

describe('docs/guides/production-readiness.md', () => {
  test('its copyable test is test/guides/production-readiness.test.ts, verbatim (which runs in the suite)', () => {
    const guide = fs.readFileSync(path.join(ROOT, 'docs/guides/production-readiness.md'), 'utf8');
    const code = fs.readFileSync(path.join(ROOT, 'test/guides/production-readiness.test.ts'), 'utf8');
    expect(guide).toContain('```ts\n' + code + '```');
  });
});
