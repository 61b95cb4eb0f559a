/**
 * `switchboard sandbox <vendor> [options]`: each vendor sandbox ships its own `cli.ts` with a `run(argv)`;
 * those built on the emulator kit also export `cli`, which the demo starts them with.
 */
import type { EmulatorCli } from '../sandboxes/kit/cli.ts';

// biome-ignore lint/suspicious/noExplicitAny: each emulator's handle has its own shape
type KitCli = EmulatorCli<any>;

const sandboxes: Record<string, () => Promise<{ run(argv: string[]): Promise<void>; cli?: KitCli }>> = {
  leadsquared: () => import('../sandboxes/leadsquared/cli.ts'),
  hubspot: () => import('../sandboxes/hubspot/cli.ts'),
  onepagecrm: () => import('../sandboxes/onepagecrm/cli.ts'),
  freshsales: () => import('../sandboxes/freshsales/cli.ts'),
  nutshell: () => import('../sandboxes/nutshell/cli.ts'),
  pipedrive: () => import('../sandboxes/pipedrive/cli.ts'),
  close: () => import('../sandboxes/close/cli.ts'),
  attio: () => import('../sandboxes/attio/cli.ts'),
  accelo: () => import('../sandboxes/accelo/cli.ts'),
  activecampaign: () => import('../sandboxes/activecampaign/cli.ts'),
  insightly: () => import('../sandboxes/insightly/cli.ts'),
  pipeliner: () => import('../sandboxes/pipeliner/cli.ts'),
  planhat: () => import('../sandboxes/planhat/cli.ts'),
  salesflare: () => import('../sandboxes/salesflare/cli.ts'),
  teamleader: () => import('../sandboxes/teamleader/cli.ts'),
  wix: () => import('../sandboxes/wix/cli.ts'),
  salesforce: () => import('../sandboxes/salesforce/cli.ts'),
  dynamics365: () => import('../sandboxes/dynamics365/cli.ts'),
  zohocrm: () => import('../sandboxes/zohocrm/cli.ts'),
  zendesksell: () => import('../sandboxes/zendesksell/cli.ts'),
  outreach: () => import('../sandboxes/outreach/cli.ts'),
  mondaycrm: () => import('../sandboxes/mondaycrm/cli.ts'),
  keap: () => import('../sandboxes/keap/cli.ts'),
  capsule: () => import('../sandboxes/capsule/cli.ts'),
  highlevel: () => import('../sandboxes/highlevel/cli.ts'),
};

export const SANDBOX_NAMES = Object.keys(sandboxes);

/** A kit emulator's command line by its slug (undefined for an unknown slug or LeadSquared's own CLI). */
export async function sandboxCli(slug: string): Promise<KitCli | undefined> {
  const load = sandboxes[slug];
  return load ? (await load()).cli : undefined;
}

export async function run(argv: string[]): Promise<void> {
  const [vendor, ...rest] = argv;
  const load = vendor ? sandboxes[vendor] : undefined;
  if (!load) {
    throw new Error(`name a sandbox: one of ${Object.keys(sandboxes).join(', ')}`);
  }
  await (await load()).run(rest);
}
