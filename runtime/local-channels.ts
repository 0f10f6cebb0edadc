/**
 * What channel activities send with on the embedded stack: email over SMTP when a server is given
 * (ORCA_SMTP_URL or `--smtp URL`), else the outbox folder `<data>/outbox/<run>/` (SMS and push always
 * there); the message ledger, rate limiter and report counters in the local DynamoDB (dynalite);
 * the data folder as the object store; links signed with `<data>/link-secret` and pointing at
 * `orca serve` (its public routes verify them).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbLedger, DynamoDbRateLimiter } from '../lambdas/adapters/dynamodb-ledger.js';
import { DynamoDbReportStore } from '../lambdas/adapters/dynamodb-report.js';
import { FsObjectStore } from '../lambdas/adapters/fs-objects.js';
import { localLinkSecret } from '../lambdas/adapters/local-link-secret.js';
import { localProviders } from '../lambdas/adapters/providers.js';
import type { LinkSettings } from '../lambdas/channels/links.js';
import type { ChannelDeps } from '../lambdas/orchestrator/types.js';

/** Where `orca serve` listens by default: the base of the links a local send signs. */
export const LOCAL_PUBLIC_URL = 'http://127.0.0.1:7777';

export interface LocalChannelOptions {
  dataRoot: string;
  /** An SMTP server for email (smtp://host:port); without it email goes to the outbox. */
  smtpUrl?: string;
  /** The base URL of the links (unsubscribe, open, click): `orca serve`'s. */
  publicUrl?: string;
}

/** The SMTP server of the environment (ORCA_SMTP_URL), when set. */
export function smtpUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.ORCA_SMTP_URL?.trim() || undefined;
}

export function localChannels(o: LocalChannelOptions, dynamo: DynamoDBClient, table: string): ChannelDeps {
  let secret: string | undefined;
  const links: LinkSettings = {
    baseUrl: (o.publicUrl ?? LOCAL_PUBLIC_URL).replace(/\/+$/, ''),
    tracking: 'orca',
    // Read (or created) on the first link signed: a runtime that never sends leaves the folder alone.
    get secret() {
      secret ??= localLinkSecret(o.dataRoot);
      return secret;
    },
  };
  return {
    providers: localProviders({ dataRoot: o.dataRoot, ...(o.smtpUrl ? { smtpUrl: o.smtpUrl } : {}) }),
    ledger: new DynamoDbLedger(dynamo, table),
    rate: new DynamoDbRateLimiter(dynamo, table),
    reports: new DynamoDbReportStore(dynamo, table),
    objects: new FsObjectStore(o.dataRoot),
    links,
  };
}
