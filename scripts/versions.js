#!/usr/bin/env node
/**
 * `npm run versions`: every pinned image and chart (lib/versions.ts) with the newest release
 * tag found upstream, from fetched bare git mirrors or from a JSON file of tags.
 *
 *   node scripts/versions.js --mirrors DIR     # DIR/<owner>+<name>/ is a bare repository (or holds one in repo/)
 *   node scripts/versions.js --tags FILE       # FILE: { "owner/name": ["v1.2.3", ...] }
 *   options: --json (rows as JSON), --fail-behind (exit 1 when a pin is behind)
 *
 * Only stable `x.y.z` tags matching a pin's tag pattern count: pre-releases (`-rc.1`,
 * `-weekly.406`) and other tags are ignored. Versions are compared numerically.
 */
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const VERSION = /^(\d+)\.(\d+)\.(\d+)$/;

/** `[major, minor, patch]` of `x.y.z` (a leading `v` allowed), or undefined. */
function parseVersion(s) {
  const m = VERSION.exec(String(s).replace(/^v(?=\d)/, ''));
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** Negative, zero or positive as `a` is lower than, equal to or higher than `b` (both `x.y.z`). */
function compareVersions(a, b) {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (!x || !y) throw new Error(`not an x.y.z version: ${!x ? a : b}`);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

/** The regular expression of a tag pattern (`v{version}` → /^v(\d+\.\d+\.\d+)$/). */
function tagRegex(pattern) {
  if (!pattern.includes('{version}')) throw new Error(`tag pattern ${JSON.stringify(pattern)} has no {version}`);
  const [before, after] = pattern.split('{version}').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${before}(\\d+\\.\\d+\\.\\d+)${after}$`);
}

/** The highest stable release among `tags` matching `pattern`: `{ tag, version }`, or undefined. */
function newestRelease(tags, pattern) {
  const re = tagRegex(pattern);
  let best;
  for (const tag of tags) {
    const m = re.exec(tag);
    if (!m) continue;
    if (!best || compareVersions(m[1], best.version) > 0) best = { tag, version: m[1] };
  }
  return best;
}

/** The git directory of `owner/name` in a mirrors folder (`owner+name/` bare, or `owner+name/repo/`). */
function mirrorGitDir(mirrors, repository) {
  const dir = path.join(mirrors, repository.replace('/', '+'));
  for (const candidate of [path.join(dir, 'repo'), dir]) {
    if (fs.existsSync(path.join(candidate, 'HEAD')) && fs.existsSync(path.join(candidate, 'refs'))) return candidate;
  }
  return undefined;
}

/** The tags of `owner/name` in a mirrors folder, or undefined when it has no such repository. */
function tagsFromMirror(mirrors, repository) {
  const gitDir = mirrorGitDir(mirrors, repository);
  if (!gitDir) return undefined;
  const r = spawnSync('git', ['--git-dir', gitDir, 'tag', '--list'], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`git tag --list failed in ${gitDir}: ${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean);
}

/** `{ "owner/name": [tags] }` read from a file, checked (keys starting with `$` are comments). */
function readTagsFile(file) {
  const data = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new Error(`${file}: expected an object of "owner/name": [tags]`);
  const out = {};
  for (const [repo, tags] of Object.entries(data)) {
    if (repo.startsWith('$')) continue;
    if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string')) throw new Error(`${file}: ${repo} must be a list of tag strings`);
    out[repo] = tags;
  }
  return out;
}

/** A tag source: `(repository) => tags | undefined`, from mirrors and/or a tags file (the file wins). */
function tagSource({ mirrors, tagsFile } = {}) {
  const fromFile = tagsFile ? readTagsFile(tagsFile) : {};
  const cache = new Map();
  return (repository) => {
    if (Object.prototype.hasOwnProperty.call(fromFile, repository)) return fromFile[repository];
    if (!mirrors) return undefined;
    if (!cache.has(repository)) cache.set(repository, tagsFromMirror(mirrors, repository));
    return cache.get(repository);
  };
}

/**
 * One row per pin: `{ pin, kind, repository, current, newest, newestTag, status }` where status
 * is `current`, `behind`, `behind (major)` or `unknown` (no tags for the repository, or none
 * matching the pattern). `pins` are `{ id, component, kind, current, upstream: { repository, tag } }`.
 */
function compare(pins, tagsOf) {
  return pins.map((p) => {
    const tags = tagsOf(p.upstream.repository);
    const newest = tags ? newestRelease(tags, p.upstream.tag) : undefined;
    let status = 'unknown';
    if (newest) {
      const c = compareVersions(newest.version, p.current);
      status = c <= 0 ? 'current' : parseVersion(newest.version)[0] !== parseVersion(p.current)[0] ? 'behind (major)' : 'behind';
    }
    return { pin: p.id, component: p.component, kind: p.kind, repository: p.upstream.repository, current: p.current, newest: newest ? newest.version : '', newestTag: newest ? newest.tag : '', status };
  });
}

/** A plain-text table of the rows. */
function formatTable(rows) {
  const head = ['pin', 'current', 'newest', 'status', 'upstream'];
  const body = rows.map((r) => [r.pin, r.current, r.newest || '-', r.status, r.newestTag ? `${r.repository} ${r.newestTag}` : r.repository]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n') + '\n';
}

/** The library's pins (lib/versions.ts) in the shape `compare` takes. */
function libraryPins() {
  require('./ts-hook');
  const { PINS, pinId, pinVersion } = require('../lib/versions.ts');
  return PINS.map((p) => ({ id: pinId(p), component: p.component, kind: p.kind, current: pinVersion(p), upstream: p.upstream }));
}

function parseArgs(argv) {
  const out = { json: false, failBehind: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--mirrors' || a === '--tags') {
      const v = argv[++i];
      if (!v) throw new Error(`${a} needs a path`);
      out[a === '--mirrors' ? 'mirrors' : 'tagsFile'] = v;
    } else if (a === '--json') out.json = true;
    else if (a === '--fail-behind') out.failBehind = true;
    else throw new Error(`unknown argument ${a} (use --mirrors DIR, --tags FILE, --json, --fail-behind)`);
  }
  if (!out.mirrors && !out.tagsFile) throw new Error('give --mirrors DIR (bare git mirrors, owner+name/) and/or --tags FILE ({ "owner/name": [tags] })');
  return out;
}

function main(argv) {
  let args;
  let rows;
  try {
    args = parseArgs(argv);
    rows = compare(libraryPins(), tagSource(args));
  } catch (e) {
    process.stderr.write(`versions: ${e.message}\n`);
    return 2;
  }
  process.stdout.write(args.json ? JSON.stringify(rows, null, 2) + '\n' : formatTable(rows));
  const behind = rows.filter((r) => r.status.startsWith('behind')).length;
  const unknown = rows.filter((r) => r.status === 'unknown').length;
  if (!args.json) process.stdout.write(`\n${rows.length} pins: ${rows.length - behind - unknown} current, ${behind} behind, ${unknown} unknown\n`);
  return args.failBehind && behind > 0 ? 1 : 0;
}

module.exports = { parseVersion, compareVersions, tagRegex, newestRelease, mirrorGitDir, tagsFromMirror, readTagsFile, tagSource, compare, formatTable, libraryPins, main };

if (require.main === module) process.exitCode = main(process.argv.slice(2));
