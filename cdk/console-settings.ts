/**
 * The web console's settings from CDK context (cdk.json, or -c): `orca:console` (true or false;
 * default on with the API), `orca:consoleDomainPrefix` (the hosted UI's prefix), `orca:consoleThreatProtection`.
 */
import { ConsoleUnavailable } from './constructs/console-deployment.js';
import type { OrcaCampaignsProps } from './orca.js';

const flag = (key: string, value: unknown): boolean | undefined => {
  if (value === undefined) return undefined;
  const text = String(value).trim().toLowerCase();
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new ConsoleUnavailable(`orca:${key}: "${String(value)}" is neither true nor false`);
};

export function consoleSettings(ctx: (key: string) => unknown): Pick<OrcaCampaignsProps, 'console'> {
  const on = flag('console', ctx('console'));
  if (on === false) return { console: false };
  const domainPrefix = ctx('consoleDomainPrefix');
  const threatProtection = flag('consoleThreatProtection', ctx('consoleThreatProtection'));
  const settings = {
    ...(domainPrefix !== undefined ? { domainPrefix: String(domainPrefix) } : {}),
    ...(threatProtection !== undefined ? { threatProtection } : {}),
  };
  return Object.keys(settings).length ? { console: settings } : on ? { console: true } : {};
}
