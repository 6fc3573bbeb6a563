/**
 * The roll-out model: the canaries deploy one after another (each one's success triggers the next);
 * then every other stack is queued at once and Deployments runs them `concurrency` at a time, first
 * come first served (https://www.pulumi.com/docs/deployments/operations/deployment-queue/: one deployment per stack at a time,
 * the organization's limit "determined by SKU"; no page gives the numbers per edition, so the bench prints several).
 */
export interface RolloutArgs {
    stacks: number;
    canaries: number;
    concurrency: number;
    minutesPerStack: number;
}

export function rolloutMinutes(args: RolloutArgs): number {
    if (!(args.concurrency >= 1)) throw new Error(`concurrency ${args.concurrency} must be at least 1`);
    const rest = Math.max(0, args.stacks - args.canaries);
    return args.canaries * args.minutesPerStack + Math.ceil(rest / args.concurrency) * args.minutesPerStack;
}
