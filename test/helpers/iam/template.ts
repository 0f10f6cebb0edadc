/**
 * The synthesized template as a deployment would see it: each role's inline policies as plain JSON
 * with concrete ARNs. CloudFormation's intrinsics the template uses (Ref, Fn::GetAtt, Fn::Join,
 * Fn::Sub, Fn::Select, Fn::Split) are resolved with a fixed account, region and partition, and each
 * resource's physical name (its explicit name, or its logical id when CloudFormation would generate one).
 */
export const DEPLOYMENT = { account: '123456789012', region: 'eu-west-1', partition: 'aws' } as const;

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export interface CfnResource {
  Type: string;
  Properties?: Record<string, Json>;
}
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
}
export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatement[];
}
export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  Principal?: Json;
  Condition?: Record<string, Record<string, string | string[]>>;
}

const { account, region, partition } = DEPLOYMENT;
const arn = (service: string, resource: string, regional = true) =>
  `arn:${partition}:${service}:${regional ? region : ''}:${service === 's3' ? '' : account}:${resource}`;

/** Explicit physical names by resource type (the property CloudFormation takes). */
const NAME_PROPERTY: Record<string, string> = {
  'AWS::S3::Bucket': 'BucketName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::StepFunctions::StateMachine': 'StateMachineName',
  'AWS::Athena::WorkGroup': 'Name',
  'AWS::KMS::Key': '',
};

export class ResolvedTemplate {
  constructor(readonly template: CfnTemplate) {}

  private resource(id: string): CfnResource {
    const r = this.template.Resources[id];
    if (!r) throw new Error(`no resource ${id} in the template`);
    return r;
  }

  /** The physical name of a resource: its explicit name, or a deterministic one. */
  name(id: string): string {
    const r = this.resource(id);
    if (r.Type === 'AWS::Glue::Database') return this.string((r.Properties!.DatabaseInput as { Name: Json }).Name);
    const prop = NAME_PROPERTY[r.Type];
    const explicit = prop ? r.Properties?.[prop] : undefined;
    if (explicit !== undefined) return this.string(explicit);
    return r.Type === 'AWS::S3::Bucket' ? id.toLowerCase() : id;
  }

  /** Ref, as CloudFormation documents it for each resource type. */
  ref(id: string): string {
    if (id === 'AWS::AccountId') return account;
    if (id === 'AWS::Region') return region;
    if (id === 'AWS::Partition') return partition;
    if (id === 'AWS::URLSuffix') return 'amazonaws.com';
    if (id === 'AWS::StackName') return 'Orca';
    if (id === 'AWS::StackId')
      return `arn:${partition}:cloudformation:${region}:${account}:stack/Orca/0a1b2c3d-4e5f-6789-abcd-ef0123456789`;
    const r = this.resource(id);
    switch (r.Type) {
      case 'AWS::SNS::Topic':
      case 'AWS::StepFunctions::StateMachine':
        return this.getAtt(id, 'Arn');
      case 'AWS::KMS::Key':
        return `${id.toLowerCase()}-key-id`;
      case 'AWS::SecretsManager::Secret':
        // Its ARN: the name CloudFormation gives it and six random characters.
        return arn('secretsmanager', `secret:${id}-AbCdEf`);
      default:
        return this.name(id);
    }
  }

  getAtt(id: string, attribute: string): string {
    const r = this.resource(id);
    const name = this.name(id);
    if (attribute === 'Arn') {
      switch (r.Type) {
        case 'AWS::S3::Bucket':
          return `arn:${partition}:s3:::${name}`;
        case 'AWS::DynamoDB::Table':
          return arn('dynamodb', `table/${name}`);
        case 'AWS::SNS::Topic':
          return arn('sns', name);
        case 'AWS::Logs::LogGroup':
          return arn('logs', `log-group:${name}:*`);
        case 'AWS::IAM::Role':
          return `arn:${partition}:iam::${account}:role/${name}`;
        case 'AWS::Lambda::Function':
          return arn('lambda', `function:${name}`);
        case 'AWS::StepFunctions::StateMachine':
          return arn('states', `stateMachine:${name}`);
        case 'AWS::KMS::Key':
          return arn('kms', `key/${this.ref(id)}`);
        case 'AWS::SQS::Queue':
          return arn('sqs', name);
      }
    }
    if (attribute === 'Name') return name;
    if (attribute === 'StreamArn' && r.Type === 'AWS::DynamoDB::Table')
      return arn('dynamodb', `table/${name}/stream/0`);
    throw new Error(`Fn::GetAtt ${id}.${attribute} (${r.Type}) is not resolved by this helper`);
  }

  private string(v: Json): string {
    const r = this.resolve(v);
    if (typeof r !== 'string') throw new Error(`expected a string, got ${JSON.stringify(r)}`);
    return r;
  }

  /** Resolves every intrinsic in a value. */
  resolve(v: Json): Json {
    if (Array.isArray(v)) return v.map((x) => this.resolve(x));
    if (v === null || typeof v !== 'object') return v;
    const keys = Object.keys(v);
    if (keys.length === 1) {
      const k = keys[0]!;
      const a = v[k]!;
      if (k === 'Ref') return this.ref(a as string);
      if (k === 'Fn::GetAtt') {
        const [id, att] = Array.isArray(a) ? (a as string[]) : (a as string).split('.');
        return this.getAtt(id!, att!);
      }
      if (k === 'Fn::Join') {
        const [sep, parts] = a as [string, Json[]];
        return (this.resolve(parts) as Json[]).map((p) => String(p)).join(sep);
      }
      if (k === 'Fn::Select') {
        const [i, list] = a as [number, Json];
        return (this.resolve(list) as Json[])[Number(i)]!;
      }
      if (k === 'Fn::Split') {
        const [sep, s] = a as [string, Json];
        return this.string(s).split(sep);
      }
      if (k === 'Fn::Sub') {
        const [text, vars] = (Array.isArray(a) ? a : [a, {}]) as [string, Record<string, Json>];
        return text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
          if (name in vars) return this.string(vars[name]!);
          const [id, att] = name.split('.');
          return att ? this.getAtt(id!, att) : this.ref(id!);
        });
      }
      if (k.startsWith('Fn::')) throw new Error(`${k} is not resolved by this helper`);
    }
    return Object.fromEntries(Object.entries(v).map(([key, x]) => [key, this.resolve(x)]));
  }

  resourcesOfType(type: string): Array<[string, CfnResource]> {
    return Object.entries(this.template.Resources).filter(([, r]) => r.Type === type);
  }

  /** The logical id of the only resource of a type whose id starts with a prefix. */
  id(type: string, prefix: string): string {
    const ids = this.resourcesOfType(type)
      .map(([id]) => id)
      .filter((id) => id.startsWith(prefix));
    if (ids.length !== 1) throw new Error(`${ids.length} ${type} resources start with ${prefix}`);
    return ids[0]!;
  }

  /** A role's inline policies (AWS::IAM::Policy attached to it, and the role's own Policies), resolved. */
  rolePolicies(roleId: string): Array<{ name: string; policy: PolicyDocument }> {
    const own = (
      (this.resource(roleId).Properties?.Policies ?? []) as Array<{ PolicyName: Json; PolicyDocument: Json }>
    ).map((p) => ({
      name: this.string(p.PolicyName),
      policy: this.resolve(p.PolicyDocument) as unknown as PolicyDocument,
    }));
    const attached = this.resourcesOfType('AWS::IAM::Policy')
      .filter(([, r]) => ((r.Properties?.Roles ?? []) as Json[]).some((x) => this.resolve(x) === this.name(roleId)))
      .map(([id, r]) => ({
        name: id,
        policy: this.resolve(r.Properties!.PolicyDocument!) as unknown as PolicyDocument,
      }));
    const managed = (this.resource(roleId).Properties?.ManagedPolicyArns ?? []) as Json[];
    if (managed.length) throw new Error(`${roleId} has managed policies, which this helper does not read`);
    return [...own, ...attached];
  }

  /** The role of a function or state machine (its Role / RoleArn property). */
  roleOf(id: string): string {
    const p = this.resource(id).Properties ?? {};
    const role = (p.Role ?? p.RoleArn) as { 'Fn::GetAtt': [string, string] } | undefined;
    const roleId = role?.['Fn::GetAtt']?.[0];
    if (!roleId) throw new Error(`${id} has no role given by Fn::GetAtt`);
    return roleId;
  }

  /** A resource policy (bucket policy, topic policy) of a resource, resolved. */
  resourcePolicy(type: string, targetProperty: string, targetId: string): PolicyDocument | undefined {
    const target = this.ref(targetId);
    const found = this.resourcesOfType(type).find(([, r]) => {
      const t = this.resolve(r.Properties![targetProperty]!);
      return t === target || (Array.isArray(t) && t.includes(target));
    });
    return found ? (this.resolve(found[1].Properties!.PolicyDocument!) as unknown as PolicyDocument) : undefined;
  }
}
