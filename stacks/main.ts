// The cdktf app entry (see cdktf.json): synthesizes the default stack.
import { App } from 'cdktf';
import { CourseStack } from './course-stack';

const app = new App();
new CourseStack(app, 'observability');
app.synth();
