/** Grafana UIDs: at most 40 characters of letters, digits, '-' and '_'. */
export function grafanaUidProblem(uid: string): string | undefined {
  if (typeof uid === 'string' && /^[a-zA-Z0-9_-]{1,40}$/.test(uid)) return undefined;
  return `is not a valid Grafana UID (got ${JSON.stringify(uid)}). Use at most 40 letters, digits, '-' or '_', e.g. "service-overview".`;
}

/** A UID from a title: lower case, runs of other characters as '-', at most 40 characters. */
export function toGrafanaUid(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
}
