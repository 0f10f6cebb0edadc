/** EventBridge Scheduler schedules for campaigns with a recurring or one-off trigger. */
import { Annotations, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { CompiledCampaign } from '../campaigns.js';
import { stateMachineName } from '../../lambdas/util/names.js';
import { LAST_DAY_SCHEDULE_SUFFIX, scheduleParts, schedulerWindow } from '../../statemachines/schedule.js';

export interface CampaignSchedulesProps {
  campaigns: CompiledCampaign[];
  machines: Map<string, sfn.IStateMachine>;
}

/** The input a scheduled execution starts with. */
const SCHEDULED_INPUT = { trigger: 'schedule' };

export class CampaignSchedules extends Construct {
  /** By campaign id (its last-day schedule: by the id and LAST_DAY_SCHEDULE_SUFFIX). */
  readonly schedules = new Map<string, scheduler.CfnSchedule>();

  constructor(scope: Construct, id: string, props: CampaignSchedulesProps) {
    super(scope, id);
    for (const c of props.campaigns)
      if (c.scheduleSkipped)
        Annotations.of(this).addWarningV2(
          `orca:schedule-skipped:${c.id}`,
          `campaign ${c.id} (${c.file}) is deployed without a schedule: its ${c.scheduleSkipped}, then deploy again (it can still be started through the API)`,
        );
    const scheduled = props.campaigns.filter((c) => c.schedule);
    if (!scheduled.length) return;
    const stack = Stack.of(this);
    // The scheduler may only start orca's scheduled machines, and only for this account.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'EventBridge Scheduler starting orca campaigns',
    });
    for (const c of scheduled) {
      const machine = props.machines.get(c.id)!;
      machine.grantStartExecution(role);
      const s = c.schedule!;
      const window = schedulerWindow(s, new Date());
      // Two schedules for a monthly trigger listing 'last' with other days (cron cannot list L with them).
      for (const part of scheduleParts(stateMachineName(c.id), s)) {
        const last = part.name !== stateMachineName(c.id);
        this.schedules.set(
          last ? `${c.id}${LAST_DAY_SCHEDULE_SUFFIX}` : c.id,
          new scheduler.CfnSchedule(this, last ? `Schedule-${c.id}-last` : `Schedule-${c.id}`, {
            name: part.name,
            description: `${c.label} (${c.file})${last ? ', last day of the month' : ''}`,
            scheduleExpression: part.expression,
            scheduleExpressionTimezone: s.timezone,
            ...(window.start ? { startDate: window.start.toISOString() } : {}),
            ...(window.end ? { endDate: window.end.toISOString() } : {}),
            flexibleTimeWindow: { mode: 'OFF' },
            state: 'ENABLED',
            // No ActionAfterCompletion: AWS::Scheduler::Schedule has no such property (the API path sets
            // DELETE). A one-off schedule CloudFormation owns must not delete itself either (the stack would
            // drift); once it has fired, the next synth leaves it out (see above) and the deploy removes it.
            target: {
              arn: machine.stateMachineArn,
              roleArn: role.roleArn,
              input: JSON.stringify(SCHEDULED_INPUT),
              retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
            },
          }),
        );
      }
    }
  }
}
