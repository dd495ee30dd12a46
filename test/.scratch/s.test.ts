import * as fs from 'fs';
import { importStack } from '../../lib/importer';
test('x', () => {
  for (const [n, o] of [['course', { compose: 'test/fixtures/import/course/docker-compose.yml' }], ['features', { compose: 'test/fixtures/import/features/docker-compose.yml', dashboards: 'test/fixtures/import/features/dashboards' }]] as const) {
    const r = importStack({ ...o, out: '/tmp/out/main.ts', moduleSpecifier: '../../index' });
    fs.writeFileSync(`/tmp/${n}-main.ts`, r.code);
    fs.writeFileSync(`/tmp/${n}-report.txt`, r.report);
  }
});
