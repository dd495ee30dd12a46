// Shared by the importer's bad-input tests: a temporary directory to write inputs into, and
// the ImportError a call throws.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ImportError } from '../../lib/importer';

/**
 * A fresh temporary directory (removed after the file's tests) and a writer into it; under
 * `base` when given (inside the repository, so generated programs resolve the library).
 */
export function tempInputs(prefix: string, base: string = os.tmpdir()): { dir: string; write: (name: string, text: string) => string } {
  const dir = fs.mkdtempSync(path.join(base, prefix));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const f = path.join(dir, name);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, text);
    return f;
  };
  return { dir, write };
}

/** The ImportError `fn` throws (any other error, or none, fails the test). */
export function caught(fn: () => unknown): ImportError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ImportError) return e;
    throw e;
  }
  throw new Error('expected an ImportError');
}
