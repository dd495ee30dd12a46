import { TerraformStack, Testing } from 'cdktf';
import { unescapeTemplate } from '../core/tf-escape';
import { diagram } from './diagram';

/** A stack rendered for snapshot tests: Terraform JSON plus every generated file as text. */
export interface StackSnapshot {
  /**
   * The synthesized Terraform JSON. Each uploaded file's content is replaced by a pointer
   * (`see files["prometheus:/etc/prometheus/prometheus.yml"]`) and each dashboard's
   * `config_json` by `see dashboards["<uid>"]`, so the diff of a change shows up once, readable.
   */
  readonly terraform: Record<string, unknown>;
  /**
   * Every file uploaded into a container, keyed `<container>:<path>`, as the component reads
   * it: YAML, River and JSON as written, Terraform's `$${` escapes undone, references to
   * variables and resources shown as `${var.name}` (never a secret value: there is none in the JSON).
   */
  readonly files: Record<string, string>;
  /** Grafana dashboards (`grafana_dashboard`), parsed, keyed by uid. */
  readonly dashboards: Record<string, unknown>;
  /** The stack's Mermaid diagram ({@link diagram}), when `includeDiagram` is set. */
  readonly diagram?: string;
}

/** Options of {@link snapshotStack}. */
export interface SnapshotOptions {
  /** Run the constructs' validations first (as `cdktf synth` does). @default true */
  readonly runValidations?: boolean;
  /**
   * Add the stack's Mermaid diagram (`diagram`), so a pull request's snapshot diff shows the
   * picture changing (a component, a port, a flow).
   * @default false - the snapshot has `terraform`, `files` and `dashboards` only
   */
  readonly includeDiagram?: boolean;
}

type Json = Record<string, unknown>;

/**
 * Synthesizes `stack` and returns it in a form made for `toMatchSnapshot()`: a pull
 * request's snapshot diff then shows the changed line of `prometheus.yml` or of a dashboard,
 * not a change inside one long escaped JSON string.
 *
 * ```ts
 * expect(snapshotStack(new MyStack(Testing.app(), 'obs'))).toMatchSnapshot();
 * ```
 */
export function snapshotStack(stack: TerraformStack, options: SnapshotOptions = {}): StackSnapshot {
  const terraform = JSON.parse(Testing.synth(stack, options.runValidations ?? true)) as Json;
  const files: Record<string, string> = {};
  const dashboards: Record<string, unknown> = {};
  const show = (text: string) => unescapeTemplate(text, (expr) => '${' + expr + '}');

  const resources = (terraform.resource ?? {}) as Record<string, Record<string, Json>>;
  for (const container of Object.values(resources.docker_container ?? {})) {
    const uploads = container.upload;
    if (!Array.isArray(uploads)) continue;
    const name = typeof container.name === 'string' ? show(container.name) : '?';
    container.upload = uploads.map((u: Json) => {
      if (typeof u.content !== 'string' || typeof u.file !== 'string') return u;
      const key = `${name}:${u.file}`;
      files[key] = show(u.content);
      return { ...u, content: `see files[${JSON.stringify(key)}]` };
    });
  }
  for (const dashboard of Object.values(resources.grafana_dashboard ?? {})) {
    if (typeof dashboard.config_json !== 'string') continue;
    const text = show(dashboard.config_json);
    let model: unknown;
    try {
      model = JSON.parse(text);
    } catch {
      continue; // a reference to a file or a resource: leave it as it is
    }
    const uid = String((model as Json).uid ?? Object.keys(dashboards).length);
    dashboards[uid] = model;
    dashboard.config_json = `see dashboards[${JSON.stringify(uid)}]`;
  }
  const snapshot = { terraform, files: sortKeys(files), dashboards: sortKeys(dashboards) };
  return options.includeDiagram ? { ...snapshot, diagram: diagram(stack) } : snapshot;
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
