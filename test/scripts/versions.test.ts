/**
 * `npm run versions` (scripts/versions.js): the newest stable release of each pin, from a
 * JSON file of tags or from bare git mirrors.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const versions = require('../../scripts/versions.js');

const root = path.join(__dirname, '..', '..');
const TAGS = path.join(__dirname, '..', 'fixtures', 'versions', 'tags.json');

const pin = (id: string, current: string, repository: string, tag: string) => ({ id, component: id, kind: 'image', current, upstream: { repository, tag } });

describe('release tags', () => {
  test('versions compare numerically (3.10.0 after 3.9.9), a leading v ignored', () => {
    expect(versions.compareVersions('3.10.0', '3.9.9')).toBeGreaterThan(0);
    expect(versions.compareVersions('v1.2.3', '1.2.3')).toBe(0);
    expect(() => versions.compareVersions('latest', '1.0.0')).toThrow(/not an x.y.z version: latest/);
  });

  test('only stable x.y.z tags of the pattern count: pre-releases and other charts are ignored', () => {
    const tags = ['loki-18.11.0', 'loki-18.12.0-rc.1', 'loki-distributed-0.80.0', 'loki-2.16.0', 'mimir-distributed-6.3.0-weekly.408'];
    expect(versions.newestRelease(tags, 'loki-{version}')).toEqual({ tag: 'loki-18.11.0', version: '18.11.0' });
    expect(versions.newestRelease(['v1.0.0-rc.1', 'vv1.0.0', 'v1.0'], 'v{version}')).toBeUndefined();
    expect(() => versions.tagRegex('v1')).toThrow(/has no \{version\}/);
  });

  test('current, behind, behind (major) and unknown', () => {
    const tagsOf = versions.tagSource({ tagsFile: TAGS });
    const rows = versions.compare(
      [
        pin('prometheus', '2.53.0', 'prometheus/prometheus', 'v{version}'),
        pin('alertmanager', '0.27.0', 'prometheus/alertmanager', 'v{version}'),
        pin('grafana-chart', '12.9.0', 'grafana-community/helm-charts', 'grafana-{version}'),
        pin('loki-image', '3.4.0', 'grafana/loki', 'v{version}'),
        pin('tempo-image', '2.6.0', 'grafana/tempo', 'v{version}'),
      ],
      tagsOf,
    );
    expect(rows.map((r: Record<string, string>) => `${r.pin} ${r.current} ${r.newest || '-'} ${r.status}`)).toEqual([
      'prometheus 2.53.0 3.10.1 behind (major)',
      'alertmanager 0.27.0 0.27.0 current',
      'grafana-chart 12.9.0 12.11.1 behind',
      'loki-image 3.4.0 - unknown',
      'tempo-image 2.6.0 - unknown',
    ]);
  });

  test('a tags file that is not { "owner/name": [tags] } is refused', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'versions-'));
    try {
      const bad = path.join(dir, 'bad.json');
      fs.writeFileSync(bad, JSON.stringify({ 'a/b': 'v1.0.0' }));
      expect(() => versions.readTagsFile(bad)).toThrow(/a\/b must be a list of tag strings/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('npm run versions on the library\'s pins', () => {
  const cli = (...args: string[]) => spawnSync('node', [path.join(root, 'scripts', 'versions.js'), ...args], { encoding: 'utf8', timeout: 60_000 });

  test('with a JSON file of tags: a table of every pin, newest stable releases', () => {
    const r = cli('--tags', TAGS);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^pin\s+current\s+newest\s+status\s+upstream$/);
    const row = (id: string) => lines.find((l) => l.startsWith(`${id} `))?.split(/\s{2,}/);
    // The newest stable tag whatever the pinned image (other work moves the image constants).
    expect(row('image:prom/prometheus')?.[2]).toBe('3.10.1');
    expect(row('chart:tempo-distributed')?.slice(2, 4)).toEqual(['3.3.0', 'behind (major)']);
    expect(row('chart:loki')?.slice(2, 4)).toEqual(['18.11.0', 'current']);
    expect(row('image:grafana/loki')?.slice(2, 4)).toEqual(['-', 'unknown']);
    expect(r.stdout).toMatch(/^\d+ pins: \d+ current, \d+ behind, \d+ unknown$/m);
  });

  test('--fail-behind exits 1 when a pin is behind; without a source it explains itself', () => {
    expect(cli('--tags', TAGS, '--fail-behind').status).toBe(1);
    const r = cli();
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/give --mirrors DIR .* and\/or --tags FILE/);
  });
});

describe('from bare git mirrors', () => {
  let dir: string;
  const git = (cwd: string, ...args: string[]) => {
    const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8', timeout: 30_000 });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  };

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'versions-mirror-'));
    const work = path.join(dir, 'work');
    fs.mkdirSync(work);
    git(work, 'init', '-q');
    git(work, 'commit', '-q', '--allow-empty', '-m', 'one');
    for (const t of ['v1.2.3', 'v1.10.0', 'v2.0.0-rc.1', 'chart-9.9.9']) git(work, 'tag', t);
    // The two layouts: owner+name/ is the bare repository, or holds it in repo/ (fetch's).
    git(dir, 'clone', '-q', '--bare', work, path.join(dir, 'mirrors', 'acme+engine'));
    git(dir, 'clone', '-q', '--bare', work, path.join(dir, 'mirrors', 'acme+charts', 'repo'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('tags are read from owner+name/ or owner+name/repo/, a missing repository is unknown', () => {
    const tagsOf = versions.tagSource({ mirrors: path.join(dir, 'mirrors') });
    const rows = versions.compare(
      [pin('engine', '1.2.3', 'acme/engine', 'v{version}'), pin('chart', '9.9.9', 'acme/charts', 'chart-{version}'), pin('other', '1.0.0', 'acme/other', 'v{version}')],
      tagsOf,
    );
    expect(rows.map((r: Record<string, string>) => `${r.pin} ${r.newestTag || '-'} ${r.status}`)).toEqual(['engine v1.10.0 behind', 'chart chart-9.9.9 current', 'other - unknown']);
  });

  test('a JSON file and mirrors together: the file wins for the repositories it lists', () => {
    const file = path.join(dir, 'tags.json');
    fs.writeFileSync(file, JSON.stringify({ 'acme/engine': ['v1.2.3'] }));
    const rows = versions.compare([pin('engine', '1.2.3', 'acme/engine', 'v{version}')], versions.tagSource({ mirrors: path.join(dir, 'mirrors'), tagsFile: file }));
    expect(rows[0].status).toBe('current');
  });
});
