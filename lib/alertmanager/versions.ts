import { releaseBefore, releaseOf } from '../core/releases';
import { AlertmanagerDocument } from './config';
import { ALERTMANAGER_FUNCS_SINCE, ALERTMANAGER_TEMPLATES_SINCE, checkGoTemplate } from './go-template';

/**
 * What an Alertmanager config uses that older Alertmanager releases do not have, checked
 * against the release of the image that runs it. The library renders for the pinned release
 * (v0.34.0); a user who pins an older image gets an error here instead of a config that the
 * older Alertmanager refuses at load, or reads differently.
 *
 * Facts (fixture test/fixtures/engines/alertmanager.json, read at each tag of
 * prometheus/alertmanager): template functions and default templates by first release, and
 * `group_by: []` on a child route, which overrides the parent's only from v0.31.0
 * (config/config.go, commit 87452e644e9fe45de317160aa43f695f90ed8b22).
 */

/** Alertmanager's release in which `group_by: []` on a child route stops inheriting the parent's. */
export const EMPTY_GROUP_BY_OVERRIDES_SINCE = 'v0.31.0';

/** Problems of an Alertmanager document for the Alertmanager release tagged `tag` (none when the tag is not a release). */
export function alertmanagerVersionProblems(document: AlertmanagerDocument, tag: string): string[] {
  const release = releaseOf(tag);
  if (!release) return [];
  const out: string[] = [];
  const tooNew = (since: string | undefined) => since !== undefined && releaseBefore(release, since);
  const texts: Array<[string, string]> = [...document.templates].map(([name, content]) => [`template ${JSON.stringify(name)}`, content]);
  for (const r of (document.doc.receivers as Array<Record<string, unknown>> | undefined) ?? []) {
    collectTemplated(r, `receiver ${JSON.stringify(r.name)}`, texts);
  }
  for (const [who, text] of texts) {
    const check = checkGoTemplate(text);
    for (const f of check.funcs) {
      if (tooNew(ALERTMANAGER_FUNCS_SINCE[f])) {
        out.push(`${who} calls the template function ${f}, which Alertmanager has only from ${ALERTMANAGER_FUNCS_SINCE[f]} (the image runs ${tag}): every notification using it would fail. Use an image from ${ALERTMANAGER_FUNCS_SINCE[f]} on, or leave ${f} out.`);
      }
    }
    for (const c of check.calls) {
      if (Object.prototype.hasOwnProperty.call(ALERTMANAGER_TEMPLATES_SINCE, c) && tooNew(ALERTMANAGER_TEMPLATES_SINCE[c])) {
        out.push(`${who} calls the default template ${JSON.stringify(c)}, which Alertmanager defines only from ${ALERTMANAGER_TEMPLATES_SINCE[c]} (the image runs ${tag}). Use an image from ${ALERTMANAGER_TEMPLATES_SINCE[c]} on, or define the template yourself.`);
      }
    }
  }
  if (tooNew(EMPTY_GROUP_BY_OVERRIDES_SINCE)) out.push(...emptyGroupByProblems(document.doc.route as Record<string, unknown> | undefined, 'route', tag));
  return out;
}

/** Every string field holding `{{` under a receiver, with where it is. */
function collectTemplated(value: unknown, where: string, out: Array<[string, string]>): void {
  if (typeof value === 'string') {
    if (value.includes('{{')) out.push([where, value]);
  } else if (Array.isArray(value)) {
    value.forEach((v) => collectTemplated(v, where, out));
  } else if (value && typeof value === 'object') {
    Object.values(value).forEach((v) => collectTemplated(v, where, out));
  }
}

function emptyGroupByProblems(route: Record<string, unknown> | undefined, path: string, tag: string): string[] {
  const children = (route?.routes as Array<Record<string, unknown>> | undefined) ?? [];
  return children.flatMap((c, i) => {
    const p = `${path}.routes[${i}]`;
    const here = Array.isArray(c.group_by) && c.group_by.length === 0
      ? [`${p} has an empty groupBy, which Alertmanager reads as "one group for all alerts" only from ${EMPTY_GROUP_BY_OVERRIDES_SINCE}; the image runs ${tag}, which ignores it and groups as the parent route does. Leave groupBy out to inherit the parent's, or use an image from ${EMPTY_GROUP_BY_OVERRIDES_SINCE} on.`]
      : [];
    return [...here, ...emptyGroupByProblems(c, p, tag)];
  });
}
