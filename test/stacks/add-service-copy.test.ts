/**
 * Review of issue 16: addService hands MonitoredService a copy of the props (`{ ...props }`),
 * which leaves out what a spread does not copy (inherited or non-enumerable values). The
 * copy is walked as before the vouching (withVouchedShape) then: the same error as before.
 */
import { Testing } from 'cdktf';
import { MonitoredServiceProps } from '../../constructs/monitored-service';
import { ObservabilityStack } from '../../stacks/observability-stack';

const plain = { service: 'api', team: 'shop', runbookBaseUrl: 'https://wiki.example.com/runbooks', container: { image: 'ghcr.io/example/app:1.0.0', port: 8080 } };

function addError(props: MonitoredServiceProps, stackProps?: ConstructorParameters<typeof ObservabilityStack>[2]): string {
  const stack = new ObservabilityStack(Testing.app(), 'obs', stackProps);
  try {
    stack.addService('Api', props);
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
}

test('props whose values are inherited: the copy lacks them, and says so as the props check words it', () => {
  expect(addError(Object.create(plain) as MonitoredServiceProps)).toBe(
    '[obs/Api] 3 problems:\n  - props.service is required (got undefined): give a string.\n  - props.team is required (got undefined): give a string.\n  - props.runbookBaseUrl is required (got undefined): give a string.',
  );
});

test('props of a class with getters: the copy lacks them', () => {
  class ApiProps {
    public get service() {
      return 'api';
    }
    public readonly team = 'shop';
    public readonly runbookBaseUrl = 'https://wiki.example.com/runbooks';
  }
  expect(addError(new ApiProps() as unknown as MonitoredServiceProps)).toBe('[obs/Api] props.service is required (got undefined): give a string.');
});

test('a non-enumerable value is not copied either', () => {
  const props = { ...plain };
  Object.defineProperty(props, 'team', { value: 'shop', enumerable: false });
  expect(addError(props)).toBe('[obs/Api] props.team is required (got undefined): give a string.');
});

test('plain props are added as before', () => {
  expect(addError(plain)).toBe('no error');
});

test('a container whose values are inherited, copied with the stack host address: walked as before', () => {
  expect(addError({ ...plain, container: Object.create(plain.container) }, { hostIp: '127.0.0.1' })).toBe(
    '[obs/Api] 2 problems:\n  - props.container.image is required (got undefined): give a string.\n  - props.container.port is required (got undefined): give a number.',
  );
});
