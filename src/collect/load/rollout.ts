/**
 * Whether a Deployment's rollout is over, by the rules of `kubectl rollout status`: the controller
 * has seen the latest spec, every replica runs the new template, no old replica is left, and every
 * new one is available. A rollout past its progress deadline has failed.
 */
import type { V1Deployment } from '@kubernetes/client-node';

export type RolloutState =
  | { done: true }
  | { done: false; failed: false; reason: string }
  | { done: false; failed: true; reason: string };

export function rolloutState(deployment: V1Deployment): RolloutState {
  const generation = deployment.metadata?.generation ?? 0;
  const status = deployment.status ?? {};
  if ((status.observedGeneration ?? 0) < generation) {
    return { done: false, failed: false, reason: 'waiting for the deployment controller to see the new spec' };
  }
  const progressing = status.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { done: false, failed: true, reason: progressing.message ?? 'it exceeded its progress deadline' };
  }
  const wanted = deployment.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const total = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;
  if (updated < wanted) return { done: false, failed: false, reason: `${updated} of ${wanted} replicas updated` };
  if (total > updated)
    return { done: false, failed: false, reason: `${total - updated} old replicas still terminating` };
  if (available < updated)
    return { done: false, failed: false, reason: `${available} of ${updated} updated replicas available` };
  return { done: true };
}
