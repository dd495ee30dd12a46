#!/usr/bin/env node
/**
 * Generates lib/core/shapes.generated.ts: the runtime shape (string, number, boolean, enum,
 * array, record, object with its properties) of every props and options interface the public
 * constructors and methods take, read from the TypeScript types themselves with the compiler
 * API. Plain-JavaScript callers are then checked against the same types TypeScript users get.
 *
 *   node scripts/generate-shapes.js          # writes the file
 *   node scripts/generate-shapes.js --check  # exits 1 when the file is out of date
 */
const fs = require('fs');
const path = require('path');
const ts = require('typescript');

const root = path.resolve(__dirname, '..');
const OUT = path.join(root, 'lib/core/shapes.generated.ts');

/** The types checked at the public entry points (constructors' props, methods' arguments). */
const ROOTS = [
  'AlertRouteProps', 'AlertmanagerProps', 'BlackboxExporterProps', 'DashboardProps', 'GrafanaDataSourcesProps', 'GrafanaFolderProps',
  'GrafanaServerProps', 'ExistingGrafanaProps', 'LogAgentProps', 'LokiClusterProps', 'MonitoredServiceProps', 'NodeExporterProps',
  'OtelCollectorProps', 'PrometheusServerProps', 'SloBudgetProps', 'TempoBackendProps', 'ObservabilityStackProps',
  'ScrapeJobOptions', 'RuleGroup', 'ReceiverSpec', 'RouteOptions', 'InhibitRule', 'TimeInterval', 'BlackboxModule', 'ProbeOptions',
  'SlackConfig', 'PagerDutyConfig', 'EmailConfig', 'WebhookConfig', 'LatencySliOptions', 'AvailabilitySliOptions', 'RawSliOptions',
  'RelabelConfig', 'ReceiverConfig', 'ProcessorConfig', 'ExporterConfig', 'PipelineConfig', 'LokiRuleGroup', 'KubernetesRuntimeProps', 'DockerRuntimeProps',
  'ContainerProps', 'GrafanaAlertRulesProps', 'ProfilingBackendProps',
];

const program = ts.createProgram([path.join(root, 'index.ts')], { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true, skipLibCheck: true });
const checker = program.getTypeChecker();
const ours = (decl) => decl && !decl.getSourceFile().fileName.includes('node_modules') && decl.getSourceFile().fileName.startsWith(root);

/** Every exported interface of our sources, by name. */
const declared = new Map();
for (const sf of program.getSourceFiles()) {
  if (!ours(sf) || sf.fileName.includes('/.gen/') || sf.fileName.includes('/test/')) continue;
  ts.forEachChild(sf, (n) => {
    if ((ts.isInterfaceDeclaration(n) || ts.isTypeAliasDeclaration(n)) && n.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) {
      if (!declared.has(n.name.text)) declared.set(n.name.text, n);
    }
  });
}

const shapes = {};
const pending = [...ROOTS];
for (const name of ROOTS) if (!declared.has(name)) throw new Error(`generate-shapes: no exported interface ${name}`);

function shapeOfType(type, depth = 0) {
  if (depth > 12) return { t: 'any' };
  const flags = type.flags;
  if (flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return { t: 'any' };
  if (flags & (ts.TypeFlags.String | ts.TypeFlags.TemplateLiteral)) return { t: 'string' };
  if (flags & ts.TypeFlags.StringLiteral) return { t: 'enum', values: [type.value] };
  if (flags & (ts.TypeFlags.Number | ts.TypeFlags.NumberLiteral)) return { t: 'number' };
  if (flags & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral)) return { t: 'boolean' };
  if (type.isUnion()) {
    const parts = type.types.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void)));
    if (parts.every((t) => t.flags & ts.TypeFlags.BooleanLiteral)) return { t: 'boolean' };
    const shapesOf = parts.map((t) => shapeOfType(t, depth + 1));
    if (shapesOf.some((s) => s.t === 'any')) return { t: 'any' };
    if (shapesOf.every((s) => s.t === 'enum')) return { t: 'enum', values: [...new Set(shapesOf.flatMap((s) => s.values))] };
    // a literal widened by `string` (e.g. 'a' | string) is a string
    const merged = [];
    for (const s of shapesOf) {
      if (s.t === 'enum' && shapesOf.some((o) => o.t === 'string')) continue;
      if (s.t === 'boolean' && merged.some((o) => o.t === 'boolean')) continue;
      merged.push(s);
    }
    return merged.length === 1 ? merged[0] : { t: 'union', of: merged };
  }
  if (checker.isArrayType(type) || checker.isTupleType(type)) {
    const args = checker.getTypeArguments(type);
    return { t: 'array', of: args.length ? shapeOfType(args[0], depth + 1) : { t: 'any' } };
  }
  if (type.getCallSignatures().length) return { t: 'function' };
  const index = type.getStringIndexType();
  const props = checker.getPropertiesOfType(type);
  if (index && !props.length) return { t: 'record', of: shapeOfType(index, depth + 1) };
  const symbol = type.aliasSymbol ?? type.getSymbol();
  const decl = symbol?.declarations?.[0];
  if (symbol && decl && !ours(decl)) return { t: 'object', name: symbol.getName() };
  // A class of ours: an instance of it (checked by the class names on its prototype chain).
  if (symbol && symbol.flags & ts.SymbolFlags.Class) return { t: 'instance', name: symbol.getName() };
  // An interface with methods is implemented by a construct or a class: any object will do.
  if (props.some((p) => p.flags & ts.SymbolFlags.Method)) {
    const methods = props.filter((p) => p.flags & ts.SymbolFlags.Method && !(p.flags & ts.SymbolFlags.Optional)).map((p) => p.getName()).sort();
    return { t: 'object', name: symbol?.getName(), methods };
  }
  const name = symbol && declared.has(symbol.getName()) && symbol.getName() !== '__type' ? symbol.getName() : undefined;
  if (name && depth > 0) {
    if (!shapes[name] && !pending.includes(name)) pending.push(name);
    return { t: 'ref', name };
  }
  const out = {};
  for (const p of props) {
    const pd = p.valueDeclaration ?? p.declarations?.[0];
    const pt = pd ? checker.getTypeOfSymbolAtLocation(p, pd) : checker.getDeclaredTypeOfSymbol(p);
    out[p.getName()] = { optional: !!(p.flags & ts.SymbolFlags.Optional), shape: shapeOfType(pt, depth + 1) };
  }
  return { t: 'object', name, props: out };
}

while (pending.length) {
  const name = pending.shift();
  if (shapes[name]) continue;
  const decl = declared.get(name);
  const type = ts.isInterfaceDeclaration(decl) ? checker.getDeclaredTypeOfSymbol(checker.getSymbolAtLocation(decl.name)) : checker.getTypeFromTypeNode(decl.type);
  shapes[name] = { placeholder: true };
  shapes[name] = shapeOfType(type, 0);
}

const sorted = Object.fromEntries(Object.keys(shapes).sort().map((k) => [k, shapes[k]]));
const text = `// Generated by scripts/generate-shapes.js from the TypeScript types. DO NOT EDIT: run \`npm run gen:shapes\`.
/* eslint-disable */
import type { Shape } from './shape';

export const SHAPES = {
${Object.entries(sorted).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},`).join('\n')}
} as unknown as Record<string, Shape>;
`;

if (process.argv.includes('--check')) {
  const current = fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : '';
  if (current !== text) {
    console.error('lib/core/shapes.generated.ts is out of date: run `npm run gen:shapes`.');
    process.exit(1);
  }
  console.log(`shapes up to date (${Object.keys(sorted).length} types)`);
} else {
  fs.writeFileSync(OUT, text);
  console.log(`wrote ${path.relative(root, OUT)} (${Object.keys(sorted).length} types)`);
}
