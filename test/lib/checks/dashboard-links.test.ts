import { Testing } from 'cdktf';
import { ObservabilityStack } from '../../../stacks/observability-stack';
import { CourseStack } from '../../../stacks/course-stack';
import { resources, synthJson } from '../../helpers/synth';

/** Every `/d/<uid>` a string of `model` opens (uids built from variables left out). */
function linkedUids(model: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') for (const m of v.matchAll(/(?:^|[^A-Za-z0-9_])\/d\/([A-Za-z0-9_-]+)(?![A-Za-z0-9_$-])/g)) out.push(m[1]);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(model);
  return out;
}

describe('dashboard links of the default stacks', () => {
  test.each([
    ['ObservabilityStack', () => new ObservabilityStack(Testing.app(), 'obs')],
    ['CourseStack', () => new CourseStack(Testing.app(), 'obs')],
  ])('every /d/<uid> in the dashboards of %s names a dashboard it creates', (_name, make) => {
    const json = synthJson(make());
    const models = Object.values(resources(json, 'grafana_dashboard')).map((d) => JSON.parse(String(d.config_json)) as { uid: string });
    const created = new Set(models.map((m) => m.uid));
    const linked = models.flatMap((m) => linkedUids(m));
    expect(linked.length).toBeGreaterThan(0);
    expect(linked.filter((uid) => !created.has(uid))).toEqual([]);
  });
});
