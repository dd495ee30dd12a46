/**
 * Links into a Grafana: every `/d/<uid>` a dashboard model (panel links, data links,
 * dashboard links) or a data source (derived fields) opens, so a stack can check that each
 * names a dashboard it creates.
 */

/** One `/d/<uid>` link found in a model. */
export interface DashboardLink {
  /** The dashboard uid the link opens. */
  readonly uid: string;
  /** The string that holds it (a URL), as written. */
  readonly url: string;
}

/**
 * Every link of `model` (any JSON value) into this Grafana: strings that start with `/d/<uid>`
 * (relative to Grafana) or with `<grafanaUrl>/d/<uid>`. A uid built from a variable
 * (`/d/${uid}`, `/d/service-{{ $labels.service }}`) is left out: it cannot be checked at synth.
 */
export function dashboardLinks(model: unknown, grafanaUrl?: string): DashboardLink[] {
  return dashboardLinksInJson(JSON.stringify(model) ?? '', grafanaUrl);
}

/**
 * {@link dashboardLinks} on the model already serialized (`JSON.stringify`): one regex pass
 * over the string, no walk of the object.
 */
export function dashboardLinksInJson(json: string, grafanaUrl?: string): DashboardLink[] {
  const base = grafanaUrl && !grafanaUrl.includes('${') ? grafanaUrl.replace(/\/+$/, '') : undefined;
  const prefix = base ? `(?:${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})?` : '';
  // A JSON string that starts with the prefix and /d/<uid>, the uid ending the string or followed by / ? # &.
  const re = new RegExp(`"(${prefix}/d/([A-Za-z0-9_-]+)(?:[/?#&](?:[^"\\\\]|\\\\.)*)?)"`, 'g');
  const out: DashboardLink[] = [];
  // Both parsed into strings of their own: a match is a slice that would keep the whole JSON alive.
  for (const m of json.matchAll(re)) out.push({ uid: JSON.parse(`"${m[2]}"`) as string, url: JSON.parse(`"${m[1]}"`) as string });
  return out;
}

/**
 * The message for a link naming no dashboard of the stack: what, the value, the uids the
 * stack creates, and the ways out.
 */
export function missingDashboardMessage(where: string, link: DashboardLink, created: readonly string[]): string {
  const have = created.length ? created.map((u) => JSON.stringify(u)).join(', ') : 'none';
  return `${where} links to dashboard uid ${JSON.stringify(link.uid)} (got ${JSON.stringify(link.url)}), but this stack creates no dashboard with that uid (it creates: ${have}): the link opens "Dashboard not found". Create that dashboard, point the link at one of these uids (redDashboard: serviceDashboardUid; GrafanaDataSources: serviceDashboardUid), or remove the link.`;
}
