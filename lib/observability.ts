import { Annotations, TerraformStack } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { ValidationError } from './core/errors';
import { CorrelationSettings, ResolvedCorrelation, resolveCorrelation } from './grafana/correlation';
import { IRuntime } from './runtime/runtime';
import { ConfigFile } from './runtime/component';
import { ComponentRecord, ListenerIndex, addressProblems, componentWiring, listenerIndex } from './runtime/wiring';

// An id no user construct is likely to take (a clash would be a cdktf error on the user's construct).
const ID = 'obs-stack.registry';

/**
 * The stack-scoped registry through which constructs of one stack find each other and their
 * runtime, without globals: `Observability.of(this)`. Discovery is read at synth (lazily),
 * so construction order does not matter; explicit props always win over discovery.
 */
export class Observability extends Construct {
  /** The registry of the stack that contains `scope` (created on first use). */
  public static of(scope: IConstruct): Observability {
    const stack = TerraformStack.of(scope);
    const existing = stack.node.tryFindChild(ID);
    if (existing instanceof Observability) return existing;
    return new Observability(stack, ID);
  }

  private correlationSettings: ResolvedCorrelation = resolveCorrelation();
  private explicitRuntime?: IRuntime;
  private defaultRuntime?: IRuntime;
  private readonly members = new Map<string, IConstruct[]>();

  private constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  /**
   * The stack's runtime: the one set with `useRuntime`, else a DockerRuntime created on first
   * use (provider, shared network) with default settings.
   */
  public get runtime(): IRuntime {
    if (this.explicitRuntime) return this.explicitRuntime;
    if (!this.defaultRuntime) this.defaultRuntime = Observability.defaultRuntimeFactory()(TerraformStack.of(this));
    return this.defaultRuntime;
  }

  /**
   * Registers how a stack's default runtime is created (DockerRuntime registers itself when its
   * module loads). The registry knows no runtime class, so the modules import no circle.
   */
  public static registerDefaultRuntime(factory: (stack: TerraformStack) => IRuntime): void {
    Observability.factory = factory;
  }

  private static factory?: (stack: TerraformStack) => IRuntime;

  private static defaultRuntimeFactory(): (stack: TerraformStack) => IRuntime {
    // The Docker runtime registers itself on load; a deep import of one construct may not
    // have loaded it yet.
    if (!Observability.factory) require('./runtime/docker-runtime');
    return Observability.factory!;
  }

  /** Sets the runtime for every component of the stack created without a `runtime` prop. */
  public useRuntime(runtime: IRuntime): void {
    if (this.defaultRuntime && this.defaultRuntime !== runtime) {
      throw new ValidationError('the stack already created its default Docker runtime; call Observability.of(stack).useRuntime(...) (or create your DockerRuntime) before the first component.', this);
    }
    this.explicitRuntime = runtime;
  }

  /** Called by runtimes on creation: the first runtime of a stack becomes its default. */
  public adoptRuntime(runtime: IRuntime): void {
    if (!this.explicitRuntime && !this.defaultRuntime) this.explicitRuntime = runtime;
  }

  /**
   * How metrics, logs and traces of this stack refer to each other (trace id label and log
   * field, log format, derived-field regex): the one place the log pipeline and the Grafana
   * data sources read, so they cannot drift apart.
   */
  public get correlation(): ResolvedCorrelation {
    return this.correlationSettings;
  }

  /** Sets the stack's correlation settings (before the constructs that read them). */
  public setCorrelation(settings: CorrelationSettings): void {
    this.correlationSettings = resolveCorrelation(settings);
  }

  /** Records a component under `kind` (e.g. `prometheus`, `alertmanager`). */
  public register(kind: string, member: IConstruct): void {
    const list = this.members.get(kind) ?? [];
    list.push(member);
    this.members.set(kind, list);
  }

  /**
   * The one component registered under `kind` (after `filter`), for a construct that needs
   * exactly one. Throws a ValidationError on `requester` when there are none (saying how to
   * create one) or several (saying which prop picks one).
   */
  public single<T extends IConstruct>(kind: string, requester: IConstruct, what: { noun: string; whenNone: string; prop: string }, filter: (t: T) => boolean = () => true): T {
    const found = this.find<T>(kind).filter(filter);
    if (found.length === 1) return found[0];
    throw new ValidationError(
      found.length === 0
        ? `no ${what.noun} in this stack ${what.whenNone}`
        : `the stack has ${found.length} ${what.noun}s (${found.map((f) => f.node.path).join(', ')}). Pass the one to use as the ${what.prop} prop.`,
      requester,
    );
  }

  private readonly componentRecords: ComponentRecord[] = [];
  private index?: { size: number; index: ListenerIndex };

  /** Called by runtimes for every component they deploy: the hosts it is reached at, for the wiring checks. */
  public registerComponent(record: ComponentRecord): void {
    this.componentRecords.push(record);
  }

  private readonly wiringWarned = new Set<string>();

  /**
   * The stack's wiring checks on one component, run by the runtime on the files it renders for
   * the container (no second rendering): an address naming a component of the stack must use
   * a port it listens on (returned: errors); a path in its arguments must be an uploaded file
   * or under a mount (added as warnings on `scope`, once each).
   */
  public wiringProblems(scope: IConstruct, record: ComponentRecord, files: readonly ConfigFile[]): string[] {
    const { errors, warnings } = componentWiring(record, this.listeners(), files);
    for (const w of warnings) {
      const key = `${scope.node.path}\n${w}`;
      if (this.wiringWarned.has(key)) continue;
      this.wiringWarned.add(key);
      Annotations.of(scope).addWarning(w);
    }
    return errors;
  }

  /** The stack's components, by every host name they are reached at. */
  public listeners(): ListenerIndex {
    if (this.index?.size !== this.componentRecords.length) this.index = { size: this.componentRecords.length, index: listenerIndex(this.componentRecords) };
    return this.index.index;
  }

  /** Problems for addresses in `text` (typed by a user) that name a component of the stack on a port it does not listen on. */
  public addressProblems(text: string, where: string): string[] {
    return addressProblems(text, where, this.listeners());
  }

  /**
   * The components registered under `kind`, in registration order, as the registry's own
   * list (no copy: it grows as components register; do not change it). For checks that run
   * once per component over all the others.
   */
  public registered<T extends IConstruct>(kind: string): readonly T[] {
    let list = this.members.get(kind);
    if (!list) this.members.set(kind, (list = []));
    return list as T[];
  }

  /** The components registered under `kind`, in registration order. */
  public find<T extends IConstruct>(kind: string): T[] {
    return [...((this.members.get(kind) ?? []) as T[])];
  }
}
