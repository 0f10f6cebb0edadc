/**
 * validateAsl reuses asl-validator's Ajv: call after call, the same verdicts as its first call, for
 * valid definitions and for each kind of error (the schema, a path format of asl-path-validator,
 * an ARN, a missing target), with the errors asl-validator 4 reports for them.
 */
import { describe, expect, it } from 'vitest';
import { validateAsl } from './asl-validator.js';

const task = (extra: Record<string, unknown>) => ({
  StartAt: 'T',
  States: { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true, ...extra } },
});
/** Each definition and the errors asl-validator gives it: [error code, part of the message]. */
const DEFINITIONS: Array<[string, unknown, Array<[code: string, message: string]>]> = [
  ['a valid machine', task({ ResultPath: '$.out' }), []],
  [
    'an unknown state type',
    { StartAt: 'A', States: { A: { Type: 'Nope', End: true } } },
    [
      ['SCHEMA_VALIDATION_FAILED', '/States/A/Type is invalid. must be equal to one of the allowed values'],
      ['SCHEMA_VALIDATION_FAILED', '/States/A/QueryLanguage is invalid'],
    ],
  ],
  [
    'a result path that is not a reference path',
    task({ ResultPath: 'out[' }),
    [['SCHEMA_VALIDATION_FAILED', '/States/T/ResultPath is invalid. must match format "asl_result_path"']],
  ],
  [
    'a resource that is not an ARN',
    task({ Resource: 'not-an-arn' }),
    [['SCHEMA_VALIDATION_FAILED', '/States/T/Resource is invalid']],
  ],
  [
    'a missing target',
    { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' } } },
    [
      ['MISSING_TRANSITION_TARGET', "Missing 'StartAt'|'Next'|'Default' target: B"],
      ['MISSING_TERMINAL_STATE', 'State machine fsm1 is missing a terminal state'],
    ],
  ],
  ['another valid machine', { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 1, End: true } } }, []],
];

describe('validateAsl', () => {
  it("gives asl-validator's verdicts on every call, the invalid definitions refused with their errors", () => {
    for (const round of [1, 2]) {
      for (const [what, definition, expected] of DEFINITIONS) {
        const r = validateAsl(definition);
        const errors = (r.errors as Array<{ 'Error code': string; Message: string }>).map((e) => [
          e['Error code'],
          e.Message,
        ]);
        expect(errors, `${what} (round ${round})`).toEqual(
          expected.map(([code, message]) => [code, expect.stringContaining(message)]),
        );
        expect(r.isValid, what).toBe(expected.length === 0);
      }
    }
  });
});
