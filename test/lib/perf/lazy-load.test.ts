/**
 * Loading the package index (what an app does before it synthesizes) loads neither the
 * importer nor the `yaml` package; they load when used (issue 16).
 */
describe('the package index loads the importer, the yaml package and the LogQL grammar only when used', () => {
  test('index loaded: no importer, no yaml; importStack then loads them and throws the exported ImportError', () => {
    jest.isolateModules(() => {
      const before = new Set(Object.keys(require.cache));
      const index = require('../../../index') as typeof import('../../../index');
      const loaded = () => Object.keys(require.cache).filter((f) => !before.has(f));
      expect(loaded().some((f) => /[\\/]index\.ts$/.test(f))).toBe(true);
      expect(loaded().filter((f) => /[\\/]lib[\\/]importer[\\/](index|parse)\.ts$/.test(f) || /node_modules[\\/](yaml|@grafana[\\/]lezer-logql)[\\/]/.test(f))).toEqual([]);
      let error: unknown;
      try {
        index.importStack({ prometheus: '/nonexistent/prometheus.yml' });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(index.ImportError);
      expect((error as InstanceType<typeof index.ImportError>).file).toBe('/nonexistent/prometheus.yml');
      expect(loaded().some((f) => /[\\/]lib[\\/]importer[\\/]index\.ts$/.test(f))).toBe(true);
      // the grammar loads with the first LogQL query checked
      const { logqlProblem } = require('../../../lib/core/logql') as typeof import('../../../lib/core/logql');
      expect(logqlProblem('{job="x"} |= "error"')).toBeUndefined();
      expect(logqlProblem('{job="x"} |=')).toMatch(/LogQL/);
      expect(loaded().some((f) => /node_modules[\\/]@grafana[\\/]lezer-logql[\\/]/.test(f))).toBe(true);
    });
  });
});
