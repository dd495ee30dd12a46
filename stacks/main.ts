// The cdktf app entry (see cdktf.json): synthesizes the default stack, then writes the SLOs'
// promtool unit tests next to it (cdktf.out/slo-tests: `promtool test rules *.test.yml`).
import * as path from 'path';
import { App } from 'cdktf';
import { CourseStack } from './course-stack';

const app = new App();
const stack = new CourseStack(app, 'observability');
app.synth();
for (const slo of stack.slos) slo.writeUnitTests(path.join(app.outdir, 'slo-tests'));
