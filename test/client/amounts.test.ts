/**
 * The one amount parser the SDK and the CLI share (`parseAmount`, docs/client.md "Amounts"):
 * examples of the defect (a decimal comma read as a thousands separator), the grammar checked
 * against an independent regular expression for every short string over the characters that
 * matter, and format → parse round trips.
 */
import fc from 'fast-check';
import { MAX_AMOUNT_E8S, parseAmount } from '../../src/client/amount';
import { emc } from '../../src/client/format/display';
import { formatAmount } from '../../src/ledger/consent';

const E8S = 100_000_000n;

/** What the docs say is accepted (written independently of the parser). */
const INT = '(?:[0-9]+|[1-9][0-9]{0,2}(?:_[0-9]{3})+|[1-9][0-9]{0,2}(?:,[0-9]{3}){2,})';
const GRAMMAR_EMC = new RegExp(`^(?:${INT}(?:\\.[0-9]{1,8})?|[1-9][0-9]{0,2},[0-9]{3}\\.[0-9]{1,8}|\\.[0-9]{1,8})$`);
const GRAMMAR_E8S = new RegExp(`^${INT}\\s*e8s$`, 'i');

/** The value a reader of the grammar computes. */
function readAmount(s: string): bigint {
    const t = s.trim();
    const e8s = /^(.*?)\s*e8s$/i.exec(t);
    if (e8s !== null) return BigInt(e8s[1].replace(/[_,]/g, ''));
    const [whole, frac = ''] = t.split('.');
    return BigInt(whole.replace(/[_,]/g, '') || '0') * E8S + BigInt(frac.padEnd(8, '0'));
}

/** The value of `s` to a reader whose decimal mark is ',' (and '.' groups thousands), if it reads as a number at all. */
function decimalCommaReading(s: string): bigint | undefined {
    const m = /^([0-9]{1,3}(?:\.[0-9]{3})*|[0-9]*),([0-9]+)$/.exec(s);
    if (m === null || m[2].length > 8) return undefined;
    return BigInt(m[1].replace(/\./g, '') || '0') * E8S + BigInt(m[2].padEnd(8, '0'));
}

/** e8s as EMC text with `sep` between groups of three digits of the integer part. */
function grouped(e8s: bigint, sep: string): string {
    const [whole, frac] = formatAmount(e8s, 8).split('.');
    const g = whole.replace(/\B(?=(\d{3})+$)/g, sep);
    return frac === undefined ? g : `${g}.${frac}`;
}

const amountArb = fc.oneof(fc.bigInt({ min: 0n, max: 10_000n * E8S }), fc.bigInt({ min: 0n, max: MAX_AMOUNT_E8S }));

describe('parseAmount', () => {
    it('refuses a comma that may be a decimal mark (the defect: 1,5 sent 15 EMC and 0,001 sent 1 EMC)', () => {
        expect(parseAmount('1,5')).toEqual({ ok: false, error: { kind: 'BadInput', message: "BadInput: amount '1,5' uses ',' as a decimal mark: the decimal point is '.' (write 1.5); ',' only separates groups of three digits, as in 1,000,000" } });
        expect(parseAmount('0,001')).toMatchObject({ ok: false, error: { message: expect.stringContaining("the decimal point is '.' (write 0.001)") } });
        // Groups of three with a single comma and no decimal point are still two amounts to two readers.
        expect(parseAmount('1,500')).toEqual({ ok: false, error: { kind: 'BadInput', message: "BadInput: amount '1,500' is ambiguous: with ',' as a thousands separator it is 1500 EMC, with ',' as a decimal mark 1.5 EMC; write 1500 (or 1,500.0) or 1.5" } });
        for (const bad of ['12,34,567', '1,5,000', '1,000_000', '1.500,25', '01_000', '1_5', '1 000', '1\u00a0000', "1'000", '1e3', '1E8', '-1', '+1', '1.5e8s', '1.', '1.2.3', '0.000000001', '1,500e8s']) {
            expect({ bad, r: parseAmount(bad).ok }).toEqual({ bad, r: false });
        }
        expect(parseAmount('1,500.5')).toEqual({ ok: true, value: 150_050_000_000n });
        expect(parseAmount('1,500,000')).toEqual({ ok: true, value: 1_500_000n * E8S });
        expect(parseAmount('1_500')).toEqual({ ok: true, value: 1_500n * E8S });
        expect(parseAmount('150_000_000e8s')).toEqual({ ok: true, value: 150_000_000n });
        expect(parseAmount(`${MAX_AMOUNT_E8S + 1n}e8s`)).toMatchObject({ ok: false, error: { message: expect.stringContaining('above the largest amount accepted') } });
        expect(parseAmount('-3')).toEqual({ ok: false, error: { kind: 'BadInput', message: "BadInput: amount '-3' has a sign: amounts are written without + or -" } });
    });

    it('accepts exactly the documented grammar, with the value it reads (every short string over the characters that matter)', () => {
        const chars = ['0', '1', '2', '5', '9', '.', ',', '_', ' ', '-', '+', 'e', 'E'];
        const free = fc.string({ unit: fc.constantFrom(...chars), maxLength: 14 });
        // Near-valid shapes: digit groups joined by separators, an optional fraction and suffix.
        const shaped = fc
            .tuple(fc.array(fc.stringMatching(/^[0-9]{0,4}$/), { minLength: 1, maxLength: 4 }), fc.constantFrom(',', '_', ''), fc.option(fc.stringMatching(/^[0-9,_]{0,10}$/)), fc.constantFrom('', 'e8s', ' e8s', 'E8S'))
            .map(([groups, sep, frac, suffix]) => `${groups.join(sep)}${frac === null ? '' : `.${frac}`}${suffix}`);
        fc.assert(
            fc.property(fc.oneof(free, shaped), (s) => {
                const r = parseAmount(s);
                const t = s.trim();
                const accepted = GRAMMAR_EMC.test(t) || GRAMMAR_E8S.test(t);
                expect({ s, ok: r.ok }).toEqual({ s, ok: accepted });
                if (r.ok) expect(r.value).toBe(readAmount(s));
                else expect(r.error.message).toMatch(/^BadInput: amount '.*' /);
            }),
            { numRuns: 20_000 },
        );
    });

    it('never accepts a string that a reader with a decimal comma reads as another amount', () => {
        const s = fc.string({ unit: fc.constantFrom('0', '1', '5', '.', ','), minLength: 1, maxLength: 12 });
        fc.assert(
            fc.property(s, (text) => {
                const r = parseAmount(text);
                const other = decimalCommaReading(text);
                if (r.ok && other !== undefined) expect({ text, value: r.value }).toEqual({ text, value: other });
            }),
            { numRuns: 20_000 },
        );
    });

    it('round-trips what the client prints: e8s → EMC text (plain, grouped with _ or ,, or as e8s) → the same e8s', () => {
        fc.assert(
            fc.property(amountArb, (x) => {
                expect(parseAmount(formatAmount(x, 8))).toEqual({ ok: true, value: x });
                expect(parseAmount(emc(x).replace(/ EMC$/, ''))).toEqual({ ok: true, value: x });
                expect(parseAmount(`${x}e8s`)).toEqual({ ok: true, value: x });
                expect(parseAmount(grouped(x, '_'))).toEqual({ ok: true, value: x });
                const comma = grouped(x, ',');
                const ambiguous = (comma.match(/,/g) ?? []).length === 1 && !comma.includes('.');
                expect(parseAmount(comma).ok).toBe(!ambiguous);
                if (!ambiguous) expect(parseAmount(comma)).toEqual({ ok: true, value: x });
            }),
            { numRuns: 5_000 },
        );
    });
});
