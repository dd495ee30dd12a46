// Shared by the importer's tests: input files in a temporary directory, and the ImportError
// an import throws.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ImportError } from '../../lib/importer';

/**
 * A temporary directory (removed after the file's tests) and a writer of files under it; under
 * `base` when given (inside the repository, for generated programs that resolve 'cdktf').
 */
export function inputDir(prefix: string, base = os.tmpdir()): { dir: string; write: (name: string, text: string) => string } {
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

/** The ImportError `fn` throws (any other error is rethrown; no error fails). */
export function caught(fn: () => unknown): ImportError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ImportError) return e;
    throw e;
  }
  throw new Error('expected an ImportError');
}
