/** `switchboard sandbox <vendor> [options]`: each vendor sandbox ships its own `cli.ts` with a `run(argv)`. */
const sandboxes: Record<string, () => Promise<{ run(argv: string[]): Promise<void> }>> = {
  leadsquared: () => import('../sandboxes/leadsquared/cli.ts'),
  hubspot: () => import('../sandboxes/hubspot/cli.ts'),
  keap: () => import('../sandboxes/keap/cli.ts'),
  capsule: () => import('../sandboxes/capsule/cli.ts'),
  highlevel: () => import('../sandboxes/highlevel/cli.ts'),
};

export async function run(argv: string[]): Promise<void> {
  const [vendor, ...rest] = argv;
  const load = vendor ? sandboxes[vendor] : undefined;
  if (!load) {
    throw new Error(`name a sandbox: one of ${Object.keys(sandboxes).join(', ')}`);
  }
  await (await load()).run(rest);
}
