import { Construct } from 'constructs';
import { Folder } from '../.gen/providers/grafana/folder';
import { checkShape } from '../lib/core/shape';
import { throwIfProblems } from '../lib/core/errors';
import { escapeTemplate } from '../lib/core/tf-escape';
import { grafanaUidProblem, toGrafanaUid } from '../lib/grafana/uid';
import { Observability } from '../lib/observability';
import { IGrafana } from './grafana-server';

/** Properties of a GrafanaFolder. */
export interface GrafanaFolderProps {
  readonly title: string;
  /** Stable UID. @default - derived from the title (`Payments Team` → `payments-team`) */
  readonly uid?: string;
  /** Parent folder (nested folders). @default - top level */
  readonly parent?: GrafanaFolder;
  /** @default - the stack's Grafana (GrafanaServer or ExistingGrafana) */
  readonly grafana?: IGrafana;
}

/** A Grafana folder, optionally nested. UIDs are stable and unique per stack. */
export class GrafanaFolder extends Construct {
  public readonly resource: Folder;
  public readonly uid: string;
  public readonly title: string;

  constructor(scope: Construct, id: string, props: GrafanaFolderProps) {
    super(scope, id);
    checkShape(this, 'GrafanaFolderProps', props, 'props');
    this.uid = props.uid ?? toGrafanaUid(props.title ?? '');
    this.title = props.title;
    const problems: string[] = [];
    if (!props.title?.trim()) problems.push(`title must not be empty (got ${JSON.stringify(props.title)}).`);
    const up = grafanaUidProblem(this.uid);
    if (up) problems.push(`uid ${up}`);
    const twin = Observability.of(this).find<GrafanaFolder>('grafana-folder').find((f) => f.uid === this.uid);
    if (twin) problems.push(`folder uid ${JSON.stringify(this.uid)} is already used by ${twin.node.path}. Give this folder another uid or title.`);
    throwIfProblems(this, problems);
    const grafana = props.grafana ?? Observability.of(this).single<IGrafana & Construct>('grafana', this, { noun: 'Grafana', prop: 'grafana', whenNone: 'to create the folder in. Create a GrafanaServer or an ExistingGrafana first.' });
    this.resource = new Folder(this, 'Resource', {
      provider: grafana.provider,
      title: escapeTemplate(props.title),
      uid: this.uid,
      parentFolderUid: props.parent?.uid,
      dependsOn: props.parent ? [props.parent.resource] : undefined,
    });
    Observability.of(this).register('grafana-folder', this);
  }
}
