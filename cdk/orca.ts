/**
 * OrcaCampaigns: everything orca needs in an AWS account, as one construct a team can use in its
 * own CDK app. Campaign files are validated and compiled at synth time; one state machine (and one
 * schedule, if it has a trigger) per campaign.
 *
 *   new OrcaCampaigns(stack, 'Orca', { catalog: 'catalog.yaml', campaigns: 'campaigns/', alarmEmail: 'ops@example.com' });
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { buildCatalog, catalogFileSchema, type Catalog } from '../lambdas/catalog/catalog.js';
import { readDocument } from '../lambdas/util/files.js';
import { DataBucket } from './constructs/data-bucket.js';
import { GlueCatalog } from './constructs/glue-catalog.js';
import { AthenaWorkGroup } from './constructs/athena-workgroup.js';
import { StatusTable } from './constructs/status-table.js';
import { OrcaFunctions } from './constructs/functions.js';
import { CampaignMachines } from './constructs/campaign-machines.js';
import { CampaignSchedules } from './constructs/campaign-schedules.js';
import { ExecutionEvents } from './constructs/execution-events.js';
import { AlertTopic, OperationalAlarms, TopicKey } from './constructs/alarms.js';
import { OrcaApi } from './constructs/api.js';
import { ConsoleUnavailable, OrcaConsole, type OrcaConsoleProps } from './constructs/console-deployment.js';
import { OrcaPurge } from './constructs/purge.js';
import { type ChannelSettings, OrcaChannels } from './constructs/channels.js';
import { OrcaImports } from './constructs/imports.js';
import { campaignFiles, compileCampaigns, type CompiledCampaign } from './campaigns.js';

export interface OrcaCampaignsProps {
  /** The data catalog: a file (YAML or JSON) or its content. */
  catalog: string | Record<string, unknown>;
  /** A folder of campaign files. */
  campaigns?: string;
  /** Or campaign definitions given directly (with a name for messages). */
  definitions?: Array<{ file: string; doc: unknown }>;
  /** Work tables of older runs expire after this many days (default 30). */
  retentionDays?: number;
  /** Who receives operational alarms (failed runs, failing functions). */
  alarmEmail?: string;
  /** Buckets of an existing data lake (catalog tables with `glue:`) that campaign queries read. */
  dataLakeBuckets?: string[];
  /** The Glue database orca uses (default "orca"). */
  databaseName?: string;
  /** The Athena workgroup orca creates (default "orca"). */
  workGroupName?: string;
  /** Bytes one query may scan (default 1 TB). */
  bytesScannedCutoffPerQuery?: number;
  logRetention?: logs.RetentionDays;
  /** The HTTP API (IAM authorization); false leaves it out. Default: on, 20 requests per second. */
  api?: boolean | { rateLimit?: number };
  /**
   * The web console in the cloud (needs the API): CloudFront in front of a private bucket, sign-in
   * with Cognito (groups viewers, operators, editors), the API's CORS for its origin alone. Default:
   * on with the API; false leaves it out. `files`: the built console (default dist/console).
   */
  console?: boolean | Omit<OrcaConsoleProps, 'api' | 'removalPolicy'>;
  /**
   * The sending identities of channel activities (yours: orca creates none): an SES identity, an
   * SMS origination identity, an SNS platform application. A channel without one cannot send.
   */
  channels?: ChannelSettings;
  /** RETAIN (default) keeps data, status table and logs when the stack is deleted. */
  removalPolicy?: RemovalPolicy;
}

export class OrcaCampaigns extends Construct {
  readonly catalog: Catalog;
  readonly campaigns: CompiledCampaign[];
  readonly data: DataBucket;
  readonly glue: GlueCatalog;
  readonly workGroup: AthenaWorkGroup;
  readonly status: StatusTable;
  readonly functions: OrcaFunctions;
  readonly machines: CampaignMachines;
  readonly schedules: CampaignSchedules;
  /** Ends the runs whose execution ended without finalizing them (stopped, timed out, failed). */
  readonly executionEvents: ExecutionEvents;
  readonly topicKey: TopicKey;
  readonly alerts: AlertTopic;
  readonly alarms: OperationalAlarms;
  readonly api?: OrcaApi;
  readonly console?: OrcaConsole;
  readonly purge: OrcaPurge;
  readonly channels: OrcaChannels;
  /** Import jobs: the import function and the job machine. */
  readonly imports: OrcaImports;

  constructor(scope: Construct, id: string, props: OrcaCampaignsProps) {
    super(scope, id);
    const catalogDoc = typeof props.catalog === 'string' ? readDocument(props.catalog) : props.catalog;
    this.catalog = buildCatalog(catalogDoc);
    const databaseName = props.databaseName ?? 'orca';
    const sources = [...(props.campaigns ? campaignFiles(props.campaigns) : []), ...(props.definitions ?? [])];
    this.campaigns = compileCampaigns(this.catalog, sources, databaseName);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const logRetention = props.logRetention ?? logs.RetentionDays.THREE_MONTHS;

    this.data = new DataBucket(this, 'Data', { retentionDays: props.retentionDays ?? 30, removalPolicy });
    this.glue = new GlueCatalog(this, 'Glue', { catalog: this.catalog, bucket: this.data.bucket, databaseName });
    this.workGroup = new AthenaWorkGroup(this, 'Athena', {
      name: props.workGroupName ?? 'orca',
      bucket: this.data.bucket,
      bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery ?? 1024 ** 4,
    });
    this.status = new StatusTable(this, 'Status', { removalPolicy });
    this.topicKey = new TopicKey(this, 'TopicKey', { removalPolicy });
    this.alerts = new AlertTopic(this, 'Alerts', {
      key: this.topicKey.key,
      supervisors: new Map(this.campaigns.map((c) => [c.id, c.supervisors])),
    });
    const catalogJson = JSON.stringify(catalogFileSchema.parse(catalogDoc));
    this.functions = new OrcaFunctions(this, 'Functions', {
      table: this.status.table,
      bucket: this.data.bucket,
      databaseName,
      externalDatabases: this.glue.externalDatabases,
      workGroupName: this.workGroup.name,
      catalogJson,
      alertTopic: this.alerts.topic,
      logRetention,
      removalPolicy,
    });
    this.channels = new OrcaChannels(this, 'Channels', {
      settings: props.channels ?? {},
      table: this.status.table,
      bucket: this.data.bucket,
      databaseName,
      workGroupName: this.workGroup.name,
      topicKey: this.topicKey.key,
      catalogJson,
      logRetention,
      removalPolicy,
    });
    this.channels.messagesTable.node.addDependency(this.glue);
    this.channels.optoutsTable.node.addDependency(this.glue);
    this.channels.grantOrchestrator({
      ...this.functions,
      bucket: this.data.bucket,
      databaseName,
      workGroupName: this.workGroup.name,
    });
    this.machines = new CampaignMachines(this, 'Campaigns', {
      campaigns: this.campaigns,
      functions: { ...this.functions, send: this.channels.send },
      bucket: this.data.bucket,
      catalogPrefixes: [...this.catalog.tables.values()]
        .filter((t) => !t.glue)
        .map((t) => `${t.location.replace(/^\/+|\/+$/g, '')}/`)
        // The message log and the opt-outs, which prepare queries read (frequency cap, exclusions).
        .concat('channels/'),
      databaseName,
      externalDatabases: this.glue.externalDatabases,
      dataLakeBuckets: props.dataLakeBuckets ?? [],
      workGroupName: this.workGroup.name,
      logRetention,
      removalPolicy,
    });
    for (const m of this.machines.machines.values()) m.node.addDependency(this.workGroup.workGroup);
    this.imports = new OrcaImports(this, 'Imports', {
      catalog: this.catalog,
      catalogJson,
      table: this.status.table,
      bucket: this.data.bucket,
      databaseName,
      workGroupName: this.workGroup.name,
      dataLakeBuckets: props.dataLakeBuckets ?? [],
      logRetention,
      removalPolicy,
    });
    this.imports.grantTableVersions(this.functions.record, this.machines.role);
    this.executionEvents = new ExecutionEvents(this, 'ExecutionEvents', { control: this.functions.control });
    this.schedules = new CampaignSchedules(this, 'Schedules', {
      campaigns: this.campaigns,
      machines: this.machines.machines,
    });
    if (props.api !== false) {
      this.api = new OrcaApi(this, 'Api', {
        campaigns: this.campaigns,
        machines: this.machines.machines,
        machineRole: this.machines.role,
        functions: this.functions,
        table: this.status.table,
        bucket: this.data.bucket,
        databaseName,
        workGroupName: this.workGroup.name,
        catalogJson,
        rateLimit: (typeof props.api === 'object' ? props.api.rateLimit : undefined) ?? 20,
        logRetention,
        removalPolicy,
      });
      this.channels.connectApi(this.api);
      this.imports.grantApi(this.api.handler);
      if (props.console !== false)
        this.console = new OrcaConsole(this, 'Console', {
          ...(typeof props.console === 'object' ? props.console : {}),
          api: this.api,
          removalPolicy,
        });
    } else if (props.console)
      throw new ConsoleUnavailable('the web console needs the API: set api to true, or console to false');
    this.purge = new OrcaPurge(this, 'Purge', {
      table: this.status.table,
      bucket: this.data.bucket,
      databaseName,
      workGroupName: this.workGroup.name,
      catalogJson,
      retentionDays: props.retentionDays ?? 30,
      logRetention,
      removalPolicy,
    });
    this.alarms = new OperationalAlarms(this, 'Alarms', {
      machines: this.machines.machines,
      functions: [
        this.functions.control,
        this.functions.gate,
        this.functions.record,
        this.purge.function,
        this.channels.send,
        this.channels.events,
        this.imports.function,
        this.imports.exportFunction,
        ...(this.api ? [this.api.handler, this.api.register] : []),
      ],
      key: this.topicKey.key,
      ...(props.alarmEmail ? { email: props.alarmEmail } : {}),
    });
  }
}
