/**
 * The channels' lake tables in Glue: JSON lines (org.openx.data.jsonserde.JsonSerDe) under
 * channels/messages/ and channels/optouts/, partitioned by channel and day with partition
 * projection ("Amazon Athena User Guide — Partition projection with Amazon Athena": projection.enabled,
 * enum type with projection.<col>.values, date type with format, range, interval and unit,
 * storage.location.template naming every partition column), so a new day's folder is read with no
 * partition to add. Columns as the design's lake files (lambdas/channels/lake.ts) write them.
 */
import { describe, expect, it } from 'vitest';
import { orcaTemplate, resourcesOf } from './template.js';

function table(name: string) {
  return resourcesOf(orcaTemplate().template, 'AWS::Glue::Table')
    .map(([, t]) => t.Properties)
    .find((p) => p.TableInput.Name === name)!;
}

const location = (prefix: string) => ({
  'Fn::Join': ['', ['s3://', { Ref: expect.stringMatching(/^OrcaDataBucket/) }, `/${prefix}`]],
});

describe('lake tables', () => {
  for (const [name, prefix, columns] of [
    [
      'orca_messages',
      'channels/messages/',
      [
        'message_id',
        'campaign_id',
        'run_id',
        'activity_id',
        'address',
        'recipient_key',
        'outcome',
        'reason',
        'at',
        'delivered_at',
      ],
    ],
    ['orca_optouts', 'channels/optouts/', ['address', 'reason', 'at', 'campaign_id', 'run_id', 'message_id']],
  ] as const) {
    it(`${name}: JSON lines under ${prefix}, partitions channel (email, sms, push) and day (yyyy-MM-dd), projected`, () => {
      const t = table(name);
      expect(t.DatabaseName).toBe('orca');
      const input = t.TableInput;
      expect(input.TableType).toBe('EXTERNAL_TABLE');
      expect(input.PartitionKeys).toEqual([
        { Name: 'channel', Type: 'string' },
        { Name: 'day', Type: 'string' },
      ]);
      // A partition column is not also a table column (Athena refuses duplicate column names).
      expect(input.StorageDescriptor.Columns).toEqual(columns.map((c) => ({ Name: c, Type: 'string' })));
      expect(input.StorageDescriptor.SerdeInfo).toEqual({ SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' });
      expect(input.StorageDescriptor.InputFormat).toBe('org.apache.hadoop.mapred.TextInputFormat');
      expect(input.StorageDescriptor.Location).toEqual(location(prefix));
      expect(input.Parameters).toEqual({
        classification: 'json',
        EXTERNAL: 'TRUE',
        'projection.enabled': 'true',
        'projection.channel.type': 'enum',
        'projection.channel.values': 'email,sms,push',
        'projection.day.type': 'date',
        'projection.day.format': 'yyyy-MM-dd',
        'projection.day.range': '2026-01-01,NOW',
        'projection.day.interval': '1',
        'projection.day.interval.unit': 'DAYS',
        'storage.location.template': {
          'Fn::Join': [
            '',
            ['s3://', { Ref: expect.stringMatching(/^OrcaDataBucket/) }, `/${prefix}channel=\${channel}/day=\${day}/`],
          ],
        },
      });
    });
  }

  it('campaign queries may read them (the state machines’ role reads channels/)', () => {
    const { template } = orcaTemplate();
    const machines = resourcesOf(template, 'AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref.startsWith('OrcaCampaignsRole')))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    const reads = machines
      .filter((s: { Action: string | string[] }) => [s.Action].flat().includes('s3:GetObject'))
      .flatMap((s: { Resource: unknown }) => [s.Resource].flat())
      .map((r: unknown) => JSON.stringify(r));
    expect(reads.some((r: string) => r.endsWith('"/channels/*"]]}'))).toBe(true);
  });
});
