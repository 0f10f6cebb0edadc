/**
 * Each call evaluated by @cloud-copilot/iam-simulate against a role's identity policies (and the
 * target's resource policy, if any); the grants (statement × action × resource) that allowed it
 * are counted as used.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { IamCall } from './calls.js';
import { DEPLOYMENT, type PolicyDocument } from './template.js';

export interface Verdict {
  call: IamCall;
  allowed: boolean;
  reason: string;
}

/** A grant: one action pattern on one resource pattern of one statement. */
export const grantKey = (policy: string, action: string, resource: string) => `${policy}: ${action} on ${resource}`;

const glob = (pattern: string, value: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  ).test(value);

export class RoleSimulator {
  readonly used = new Set<string>();

  constructor(
    readonly roleArn: string,
    readonly policies: Array<{ name: string; policy: PolicyDocument }>,
    /** Resource policies by the resource ARN prefix they govern (a bucket policy governs the bucket and its objects). */
    readonly resourcePolicies: Array<{ prefix: string; policy: PolicyDocument }> = [],
  ) {}

  /** Every grant of the role's Allow statements. */
  grants(): string[] {
    return this.policies.flatMap(({ name, policy }) =>
      policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) =>
        [s.Action ?? []].flat().flatMap((a) => [s.Resource ?? []].flat().map((r) => grantKey(name, a, r))),
      ),
    );
  }

  /** Verdicts of the requests already simulated (the same call recurs across scenarios). */
  private readonly seen = new Map<string, Promise<Omit<Verdict, 'call'>>>();

  async evaluate(call: IamCall): Promise<Verdict> {
    const key = JSON.stringify([call.action, call.resource, call.context ?? {}]);
    let verdict = this.seen.get(key);
    if (!verdict) {
      verdict = this.simulate(call).then(({ allowed, reason }) => ({ allowed, reason }));
      this.seen.set(key, verdict);
    }
    return { call, ...(await verdict) };
  }

  private async simulate(call: IamCall): Promise<Verdict> {
    const resourcePolicy = this.resourcePolicies.find((p) => call.resource.startsWith(p.prefix))?.policy;
    const r = await runSimulation(
      {
        request: {
          principal: this.roleArn,
          action: call.action,
          resource: { resource: call.resource, accountId: DEPLOYMENT.account },
          contextVariables: { 'aws:SecureTransport': 'true', ...call.context },
        },
        identityPolicies: this.policies,
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        ...(resourcePolicy ? { resourcePolicy } : {}),
      },
      {},
    );
    if (r.resultType === 'error')
      return { call, allowed: false, reason: `simulation error: ${JSON.stringify(r.errors)}` };
    if (r.resultType !== 'single') return { call, allowed: false, reason: `unexpected ${r.resultType} result` };
    const allowed = r.overallResult === 'Allowed';
    const statements = r.result.analysis?.identityAnalysis?.allowStatements ?? [];
    if (allowed)
      for (const s of statements) {
        const st = s.statement.toJSON() as { Action?: string | string[]; Resource?: string | string[] };
        for (const a of [st.Action ?? []].flat())
          for (const res of [st.Resource ?? []].flat())
            if (glob(a, call.action) && glob(res, call.resource)) this.used.add(grantKey(s.policyId, a, res));
      }
    return { call, allowed, reason: allowed ? 'allowed' : r.overallResult };
  }
}
