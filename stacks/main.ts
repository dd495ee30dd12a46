// The cdktf app entry (see cdktf.json): synthesizes the default stack, then writes the SLOs'
// promtool unit tests next to it (cdktf.out/slo-tests: `promtool test rules *.test.yml`),
// and prints the course's production checklist and the stack's ten most expensive rules.
import * as path from 'path';
import { App } from 'cdktf';
import { ruleCostTable } from '../lib/prometheus/rule-cost';
import { readiness, readinessTable } from '../lib/readiness';
import { CourseStack } from './course-stack';

const app = new App();
const stack = new CourseStack(app, 'observability');
app.synth();
for (const slo of stack.slos) slo.writeUnitTests(path.join(app.outdir, 'slo-tests'));
console.log(`\nProduction readiness (the course's checklist, see docs/guides/production-readiness.md):\n${readinessTable(readiness(stack))}`);
console.log(`\nMost expensive rules (estimated samples read per evaluation):\n${ruleCostTable(stack, 10)}\n`);
