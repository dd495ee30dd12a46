// Every TypeScript snippet of docs/ is type-checked against the library, and the snippets
// written for a stack constructor are synthesized, so the pages cannot drift from the code.
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';

const ROOT = path.join(__dirname, '..');
const PACKAGE = '@obs-stack/cdktf-observability';

interface Snippet {
  readonly page: string;
  readonly name: string;
  /** `stack`: code for a stack constructor; `app`: a program creating its own App; `jest`: a test file (run in test/guides). */
  readonly kind: 'stack' | 'app' | 'jest';
  readonly imports: string[];
  readonly body: string;
}

function markdownFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? markdownFiles(path.join(dir, e.name)) : e.name.endsWith('.md') ? [path.join(dir, e.name)] : []));
}

/** The ```ts blocks of each page; a block without imports continues the page's previous one. */
function snippets(): Snippet[] {
  const out: Snippet[] = [];
  for (const file of markdownFiles(path.join(ROOT, 'docs'))) {
    const page = path.relative(ROOT, file);
    const blocks = [...fs.readFileSync(file, 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
    blocks.forEach((block, i) => {
      const imports: string[] = [];
      const body = block.replace(/^import[\s\S]*?from '[^']+';\n/gm, (line) => {
        imports.push(line.trim());
        return '';
      });
      const previous = out[out.length - 1];
      if (!imports.length && previous?.page === page) {
        out[out.length - 1] = { ...previous, body: `${previous.body}\n${body}` };
        return;
      }
      const kind = /\b(describe|test)\(/.test(body) ? 'jest' : /new App\(/.test(body) ? 'app' : 'stack';
      out.push({ page, name: `${page}#${i + 1}`, kind, imports, body });
    });
  }
  return out;
}

/** A module for the snippet: programs as they are, stack snippets inside a constructor. */
function moduleSource(s: Snippet): string {
  const imports = s.imports.map((i) => i.replace(`'${PACKAGE}'`, `'${path.join(ROOT, 'index')}'`).replace(`'${PACKAGE}/kubernetes'`, `'${path.join(ROOT, 'kubernetes')}'`));
  if (s.kind === 'jest') return `${imports.join('\n')}\n${s.body}\nexport {};\n`;
  if (s.kind === 'app') {
    // The program as written, with its App made by Testing.app() (a temporary outdir) so that
    // running it synthesizes every stack, with validations, and writes nothing into the repo.
    const body = s.body.replace(/new App\(\)/g, '__docsApp()');
    return `import { Testing as __Testing } from 'cdktf';\n${imports.join('\n')}\nconst __docsApp = () => __Testing.app();\n${body}\nexport {};\n`;
  }
  const indented = s.body.split('\n').map((l) => (l ? `    ${l}` : l)).join('\n');
  return [
    "import { TerraformStack as __Stack } from 'cdktf';",
    "import { Construct as __Construct } from 'constructs';",
    ...imports,
    'export class DocStack extends __Stack {',
    '  constructor(scope: __Construct, id: string) {',
    '    super(scope, id);',
    indented,
    '  }',
    '}',
    '',
  ].join('\n');
}

const SNIPPETS = snippets();
// Inside the repository so that 'cdktf' and the other dependencies resolve from node_modules.
const dir = fs.mkdtempSync(path.join(ROOT, 'test', '.tmp-docs-'));
const files = SNIPPETS.map((s, i) => {
  const file = path.join(dir, `snippet${i}.ts`);
  fs.writeFileSync(file, moduleSource(s));
  return file;
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('docs/ snippets', () => {
  test('there are snippets on every construct page', () => {
    const pages = new Set(SNIPPETS.map((s) => s.page));
    for (const dir of ['constructs', 'stacks']) {
      for (const page of fs.readdirSync(path.join(ROOT, 'docs', dir))) expect([page, pages.has(`docs/${dir}/${page}`)]).toEqual([page, true]);
    }
  });

  test('every snippet type-checks against the library', () => {
    const config = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
    const options: ts.CompilerOptions = { ...parsed.options, noEmit: true, incremental: false, noUnusedLocals: false, declaration: false, rootDir: '/' };
    // test/setup.ts brings cdktf's jest matcher types, as in the repository's own tests.
    const program = ts.createProgram([...files, path.join(ROOT, 'test/setup.ts')], options);
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file && files.includes(d.file.fileName))
      .map((d) => {
        const snippet = SNIPPETS[files.indexOf(d.file!.fileName)];
        const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
        return `${snippet.name} line ${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      });
    expect(problems).toEqual([]);
  });

  test.each(SNIPPETS.filter((s) => s.kind === 'app').map((s) => [s.name, s] as const))('%s runs and synthesizes its stacks', (_name, s) => {
    expect(() => require(files[SNIPPETS.indexOf(s)])).not.toThrow();
  });

  test.each(SNIPPETS.filter((s) => s.kind === 'stack').map((s) => [s.name, s] as const))('%s synthesizes', (_name, s) => {
    const mod = require(files[SNIPPETS.indexOf(s)]) as { DocStack: new (scope: Construct, id: string) => TerraformStack };
    const stack = new mod.DocStack(Testing.app(), 'docs');
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });
});
