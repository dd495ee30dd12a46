/**
 * Engines: the stateful back ends (Prometheus, Alertmanager, Loki, Tempo, Grafana) that a
 * runtime may run through its own distributed packaging instead of as one container each —
 * on Kubernetes, the Prometheus Operator and Grafana's Helm charts.
 *
 * A construct describes its engine here once, with lazy renderers over the same typed models
 * it renders files from on Docker; a runtime with `engines` turns the description into chart
 * values. Nothing in this file imports a provider.
 */
import { Construct } from 'constructs';
import { AlertmanagerDocument, AlertmanagerLayout } from '../alertmanager/config';
import { LokiObjectStorage } from '../loki/config';
import { MimirOptions } from '../mimir/config';
import { GlobalConfig } from '../prometheus/config';
import { RuleGroup } from '../prometheus/rules';
import { ScrapeJobOptions } from '../prometheus/scrape';
import { TempoS3Storage } from '../tempo/config';
import { Endpoint, ImageRef, ResourceLimits } from './component';
import { IDeployment } from './runtime';

/** Prometheus feature switches that may be turned on after construction (Tempo, Loki). */
export interface PrometheusFlags {
  readonly remoteWriteReceiver: boolean;
  readonly exemplarStorage: boolean;
  readonly nativeHistograms: boolean;
}

/** A PrometheusServer, described for an engine runtime. */
export interface PrometheusEngineSpec {
  /** Component name (release and service names derive from it). */
  readonly name: string;
  readonly image: ImageRef;
  /** Identical replicas, told apart by the `prometheus_replica` external label. */
  readonly replicas: number;
  readonly global: GlobalConfig;
  /** Retention as Prometheus writes it, e.g. `30d`. */
  readonly retention: string;
  readonly retentionSize?: string;
  readonly resources?: ResourceLimits;
  /** Long-term storage in Mimir, remote-written by every replica. @default - none */
  readonly mimir?: MimirOptions;
  /** Scrape jobs, read at synth. */
  readonly scrapeJobs: () => readonly ScrapeJobOptions[];
  /** Rule groups, read at synth. */
  readonly ruleGroups: () => readonly RuleGroup[];
  /** Feature switches, read at synth. */
  readonly flags: () => PrometheusFlags;
}

/** An Alertmanager, described for an engine runtime. */
export interface AlertmanagerEngineSpec {
  readonly name: string;
  readonly image: ImageRef;
  readonly replicas: number;
  /** Retention of silences and the notification log, e.g. `120h`. */
  readonly retention: string;
  readonly externalUrl?: string;
  readonly resources?: ResourceLimits;
  /** The routing tree rendered for the runtime's file layout, read at synth. */
  readonly document: (layout: AlertmanagerLayout) => AlertmanagerDocument;
}

/** Where the runtime runs Loki's pieces: what loki.yaml must say about the cluster. */
export interface LokiClusterLayout {
  /** memberlist peers, `host:port`. */
  readonly joinMembers: readonly string[];
  /** The compactor's URL (the backend target). */
  readonly compactorAddress: string;
  readonly dataPath: string;
  readonly rulesDir: string;
  readonly replicationFactor: number;
}

/** A LokiCluster in simple-scalable mode, described for an engine runtime. */
export interface LokiEngineSpec {
  readonly name: string;
  readonly image: ImageRef;
  /** Replicas of each of the read, write and backend targets. */
  readonly replicas: number;
  readonly objectStorage: LokiObjectStorage;
  readonly resources?: ResourceLimits;
  /** loki.yaml (object form) for the runtime's layout, read at synth. */
  readonly document: (layout: LokiClusterLayout) => Record<string, unknown>;
  /** Rule files of the ruler (file name → content), read at synth. */
  readonly ruleFiles: () => ReadonlyArray<{ readonly fileName: string; readonly content: string }>;
}

/** A TempoBackend run distributed, described for an engine runtime. */
export interface TempoEngineSpec {
  readonly name: string;
  readonly image: ImageRef;
  /** Ingester replicas (the replication factor follows, up to 3). */
  readonly replicas: number;
  readonly objectStorage: TempoS3Storage;
  readonly metricsGenerator: boolean;
  readonly resources?: ResourceLimits;
  /** tempo.yaml (object form), read at synth. */
  readonly document: () => Record<string, unknown>;
}

/** A GrafanaServer, described for an engine runtime. */
export interface GrafanaEngineSpec {
  readonly name: string;
  readonly image: ImageRef;
  readonly adminUser: string;
  /** A token (sensitive variable): passed as a sensitive value, never in the values. */
  readonly adminPassword: string;
  /** GF_* settings (no secret among them). */
  readonly env: Readonly<Record<string, string>>;
  readonly plugins: readonly string[];
  readonly resources?: ResourceLimits;
}

/** What a runtime returns for Loki: the read and write sides are separate services. */
export interface LokiEngineDeployment extends IDeployment {
  readonly readEndpoint: Endpoint;
  readonly writeEndpoint: Endpoint;
}

/** What a runtime returns for Prometheus: rule groups are delivered one by one as they come. */
export interface PrometheusEngineDeployment extends IDeployment {
  /** Delivers a rule group added to the server (also those added before deployment). */
  addRuleGroup(group: RuleGroup): void;
  /**
   * Each replica's own HTTP endpoint (not load-balanced): what pushes must reach so that
   * every replica holds the pushed series.
   */
  readonly replicaEndpoints: Endpoint[];
}

/** A runtime that runs engines itself (the Kubernetes target). */
export interface IEngineRuntime {
  prometheus(scope: Construct, spec: PrometheusEngineSpec): PrometheusEngineDeployment;
  alertmanager(scope: Construct, spec: AlertmanagerEngineSpec): IDeployment;
  loki(scope: Construct, spec: LokiEngineSpec): LokiEngineDeployment;
  tempo(scope: Construct, spec: TempoEngineSpec): IDeployment;
  grafana(scope: Construct, spec: GrafanaEngineSpec): IDeployment;
  /** The in-cluster URL of a service: `http://<name>.<namespace>.svc:<port>`. */
  serviceEndpoint(name: string, port: number): Endpoint;
}
