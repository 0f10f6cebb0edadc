import { ApiClient, endpointOf } from '../../api-client.js';
import { awsTarget, runDoctor } from '../../doctor.js';
import { identitiesFromEnv } from '../../doctor-channels.js';
import { loadCatalogFor } from '../../load.js';
import { color, jsonText, terminalText } from '../../output.js';
import type { DoctorCommandOptions } from '../options.js';

/** The region of a deployed endpoint (an execute-api host), or the one given. */
function regionOf(endpoint: string, option?: string): string | undefined {
  const host = new URL(endpoint).hostname;
  return option ?? /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(host)?.[1];
}

/** The identities given as options. */
function channelOptions(opts: DoctorCommandOptions) {
  return {
    emailIdentity: opts.emailIdentity,
    emailConfigurationSet: opts.emailConfigurationSet,
    smsOriginationIdentity: opts.smsIdentity,
    smsConfigurationSet: opts.smsConfigurationSet,
    pushPlatformApplication: opts.pushApplication,
  };
}

const definedOnly = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

export async function doctor(opts: DoctorCommandOptions): Promise<void> {
  const endpoint = endpointOf(opts.endpoint).url;
  const region = regionOf(endpoint, opts.region);
  const checks = await runDoctor({
    api: new ApiClient(endpoint),
    catalog: loadCatalogFor(opts.catalog),
    aws: region
      ? awsTarget({
          region,
          workGroup: opts.workgroup,
          database: opts.database,
          bucket: opts.bucket,
          channels: { ...identitiesFromEnv(), ...definedOnly(channelOptions(opts)) },
        })
      : undefined,
  });
  if (opts.json) console.log(jsonText({ ok: checks.every((c) => c.ok), checks }));
  else {
    for (const c of checks) {
      console.log(`${c.ok ? color.green('✓') : color.red('✗')} ${c.name}: ${terminalText(c.detail)}`);
      if (!c.ok && c.fix) console.log(`  ${color.dim(`what to do: ${terminalText(c.fix)}`)}`);
    }
    if (!region) console.log(color.dim('(no AWS region: the AWS checks were skipped; pass --region for a deployment)'));
  }
  process.exitCode = checks.every((c) => c.ok) ? 0 : 1;
}
