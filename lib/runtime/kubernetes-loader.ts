import { IConstruct } from 'constructs';
import { ValidationError } from '../core/errors';
import type { KubernetesRuntime } from './kubernetes-runtime';

/** The providers the Kubernetes target needs, as optional peer dependencies of the package. */
export const KUBERNETES_PEERS = ['@cdktf/provider-kubernetes', '@cdktf/provider-helm'] as const;

/**
 * The KubernetesRuntime class, loaded on first use: Docker-only users do not install the
 * Kubernetes and Helm providers, and nothing loads them until the Kubernetes target is
 * selected. A clear error names the packages to install when they are missing.
 */
export function loadKubernetesRuntime(requester: IConstruct): typeof KubernetesRuntime {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('./kubernetes-runtime') as typeof import('./kubernetes-runtime')).KubernetesRuntime;
  } catch (e) {
    const missing = KUBERNETES_PEERS.filter((p) => (e as Error).message.includes(`'${p}`));
    if ((e as { code?: string }).code === 'MODULE_NOT_FOUND' && missing.length) {
      throw new ValidationError(
        `the Kubernetes target needs the ${KUBERNETES_PEERS.join(' and ')} packages, and ${missing.join(', ')} is not installed. Install them in your app: npm install ${KUBERNETES_PEERS.map((p) => `${p}@^12.1`).join(' ')}.`,
        requester,
      );
    }
    throw e;
  }
}

/**
 * Throws a clear error when the Kubernetes target's providers are not installed (called when
 * the `/kubernetes` entry point loads, before it loads them).
 */
export function requireKubernetesPeers(): void {
  const missing = KUBERNETES_PEERS.filter((p) => {
    try {
      require.resolve(p);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length) {
    throw new Error(
      `@obs-stack/cdktf-observability/kubernetes needs ${KUBERNETES_PEERS.join(' and ')} (optional peer dependencies), and ${missing.join(', ')} is not installed. Install them in your app: npm install ${KUBERNETES_PEERS.map((p) => `${p}@^12.1`).join(' ')}.`,
    );
  }
}
