/**
 * The engine fact files of test/fixtures/engines: names, flags, config keys and defaults
 * read by hand from each engine's source at its release tag (repository, tag and commit
 * inside), so that generated flags and configuration can be checked against the version
 * they run on, beyond what the older tools installed here know.
 */
import * as fs from 'fs';
import * as path from 'path';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EngineFacts = Record<string, any>;

/** `test/fixtures/engines/<engine>-<version>.json`. */
export function engineFacts(engine: string, version: string): EngineFacts {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'engines', `${engine}-${version}.json`), 'utf8')) as EngineFacts;
}
