/**
 * Governance's parameter changes (spec §8): which parameters may change, within which bounds,
 * and the before → after summary an SNS proposal shows. One pure check for `validate_update_params`
 * and `update_params`, so that what validates is exactly what executes: a refusal names the first
 * rule broken (`ParamOutOfRange`, `InvalidComputeMultipliers`, `NoParamChange`) and its message
 * lists every problem, the text `validate_update_params` answers.
 * Storage: none. Cost: constant (a few dozen comparisons).
 */
import { formatAmount as formatUnits } from '../../ledger/consent';
import { MAX_TERM_DAYS } from '../model/bounds';
import { messageOf } from '../model/errors';
import type { ProtocolParams } from '../model/params';
import { MAX_SUPPLY_E8S } from '../model/supply';
import type { GovernanceError, GovernanceOutcome } from './errors';

/** A parameter change: only the fields present change. */
export interface ParamsUpdate {
    epochSeconds?: bigint;
    validatorPenalty?: bigint;
    validatorWindowSeconds?: bigint;
    routerPenalty?: bigint;
    routerWindowSeconds?: bigint;
    computeWindowSeconds?: bigint;
    validatorMinStake?: bigint;
    routerMinStake?: bigint;
    validatorMinTermDays?: number;
    validatorRenewalMinDays?: number;
    validatorMaxRenewals?: number;
    routerMinTermDays?: number;
    routerRenewalMinDays?: number;
    computeMultipliers?: [number, bigint][];
    impeachmentWindowSeconds?: bigint;
    keyRotationWindowSeconds?: bigint;
}

/** A check's answer: the value (what a proposal shows), or why it is refused. */
export type Check<T> = { Ok: T } | { Err: string };

export interface ParamsDelta {
    next: ProtocolParams;
    epochNs?: bigint;
    /** [name, before, after] of every parameter that changes. */
    changes: [string, string, string][];
}

const SEC = 1_000_000_000n;
export const formatAmount = (e8s: bigint): string => formatUnits(e8s, 8);

export function checkParams(cur: ProtocolParams, epochLength: bigint, u: ParamsUpdate): GovernanceOutcome<ParamsDelta> {
    const next: ProtocolParams = { ...cur, computeMultipliers: cur.computeMultipliers.map(([d, m]) => [d, m] as [number, bigint]) };
    const changes: [string, string, string][] = [];
    // Every problem is listed in the message; the first names the case.
    const problems: GovernanceError[] = [];
    const problem = (e: GovernanceError) => problems.push(e);
    const range = (name: string, v: bigint | number | undefined, lo: bigint, hi: bigint): boolean => {
        if (v === undefined) return false;
        const b = BigInt(v);
        if (b < lo || b > hi) {
            const text = `${name} must be between ${lo} and ${hi}`;
            problem({ ParamOutOfRange: { message: text, param: name, minimum: lo, maximum: hi } });
            return false;
        }
        return true;
    };
    const change = (name: string, before: string, after: string) => changes.push([name, before, after]);
    let epochNs: bigint | undefined;
    if (range('epoch_seconds', u.epochSeconds, 60n, 30n * 86_400n)) {
        epochNs = (u.epochSeconds as bigint) * SEC;
        change('epoch_seconds', String(epochLength / SEC), String(u.epochSeconds));
    }
    const amount = (name: string, key: 'validatorPenalty' | 'routerPenalty' | 'validatorMinStake' | 'routerMinStake', v: bigint | undefined, lo: bigint, hi: bigint) => {
        if (range(name, v, lo, hi)) {
            change(name, formatAmount(cur[key]), formatAmount(v as bigint));
            next[key] = v as bigint;
        }
    };
    amount('validator_min_stake_e8s', 'validatorMinStake', u.validatorMinStake, 1n, MAX_SUPPLY_E8S);
    amount('router_min_stake_e8s', 'routerMinStake', u.routerMinStake, 1n, MAX_SUPPLY_E8S);
    amount('validator_penalty_e8s', 'validatorPenalty', u.validatorPenalty, 0n, next.validatorMinStake);
    amount('router_penalty_e8s', 'routerPenalty', u.routerPenalty, 0n, next.routerMinStake);
    const window = (name: string, key: 'validatorWindowNs' | 'routerWindowNs' | 'computeWindowNs' | 'impeachmentWindowNs' | 'keyRotationWindowNs', v: bigint | undefined, lo: bigint, hi: bigint) => {
        if (range(name, v, lo, hi)) {
            change(name, String(cur[key] / SEC), String(v));
            next[key] = (v as bigint) * SEC;
        }
    };
    window('validator_window_seconds', 'validatorWindowNs', u.validatorWindowSeconds, 60n, 7n * 86_400n);
    window('router_window_seconds', 'routerWindowNs', u.routerWindowSeconds, 60n, 7n * 86_400n);
    window('compute_window_seconds', 'computeWindowNs', u.computeWindowSeconds, 60n, 7n * 86_400n);
    window('impeachment_window_seconds', 'impeachmentWindowNs', u.impeachmentWindowSeconds, 3_600n, 90n * 86_400n);
    window('key_rotation_window_seconds', 'keyRotationWindowNs', u.keyRotationWindowSeconds, 600n, 7n * 86_400n);
    const days = (name: string, key: 'validatorMinTermDays' | 'validatorRenewalMinDays' | 'validatorMaxRenewals' | 'routerMinTermDays' | 'routerRenewalMinDays', v: number | undefined, lo: bigint, hi: bigint) => {
        if (range(name, v, lo, hi)) {
            change(name, String(cur[key]), String(v));
            next[key] = v as number;
        }
    };
    days('validator_min_term_days', 'validatorMinTermDays', u.validatorMinTermDays, 1n, BigInt(MAX_TERM_DAYS));
    days('validator_renewal_min_days', 'validatorRenewalMinDays', u.validatorRenewalMinDays, 1n, BigInt(MAX_TERM_DAYS));
    days('validator_max_renewals', 'validatorMaxRenewals', u.validatorMaxRenewals, 0n, 100n);
    days('router_min_term_days', 'routerMinTermDays', u.routerMinTermDays, 1n, BigInt(MAX_TERM_DAYS));
    days('router_renewal_min_days', 'routerRenewalMinDays', u.routerRenewalMinDays, 1n, BigInt(MAX_TERM_DAYS));
    if (u.computeMultipliers !== undefined) {
        const m = u.computeMultipliers;
        const ds = new Set(m.map(([d]) => d));
        const bad = (text: string) => problem({ InvalidComputeMultipliers: { message: text } });
        if (m.length < 1 || m.length > 8) bad('compute_multipliers must have 1 to 8 entries');
        else if (ds.size !== m.length) bad('compute_multipliers lists a lock period twice');
        else if (m.some(([d, t]) => d < 1 || d > 3_650 || t < 10n || t > 1_000n)) bad('compute_multipliers: days 1..3650, multiplier_tenths 10..1000');
        else {
            const show = (x: [number, bigint][]) => x.map(([d, t]) => `${d}d×${Number(t) / 10}`).join(', ');
            const sorted = [...m].sort((a, b) => a[0] - b[0]);
            change('compute_multipliers', show(cur.computeMultipliers), show(sorted));
            next.computeMultipliers = sorted;
        }
    }
    if (problems.length > 0) return { Err: withMessage(problems[0], problems.map(messageOf).join('; ')) };
    if (changes.length === 0) return { Err: { NoParamChange: { message: 'the update changes no parameter' } } };
    return { Ok: { next, epochNs, changes } };
}

export function paramsSummary(changes: [string, string, string][]): string {
    return `Change protocol parameters: ${changes.map(([n, b, a]) => `${n} ${b} → ${a}`).join('; ')}.`;
}

/** What `validate_update_params` answers: the summary, or the refusal's message. */
export function describeParamsCheck(c: GovernanceOutcome<{ changes: [string, string, string][] }>): Check<string> {
    return 'Err' in c ? { Err: messageOf(c.Err) } : { Ok: paramsSummary(c.Ok.changes) };
}

/** A check's answer as `validate_m` gives it: the Ok text, or the refusal's message. */
export function asValidation(c: GovernanceOutcome<string>): Check<string> {
    return 'Err' in c ? { Err: messageOf(c.Err) } : c;
}

function withMessage(e: GovernanceError, message: string): GovernanceError {
    const [name, body] = Object.entries(e)[0];
    return { [name]: { ...body, message } } as GovernanceError;
}
