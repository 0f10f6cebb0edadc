/**
 * asl-validator (JSONPath, ARNs and paths checked) with its JSON schemas compiled once per worker.
 * asl-validator 4 builds a new Ajv and compiles its fifteen schemas on every call (a quarter of a
 * second, over a second while the process warms up); here each call after the first is given the
 * Ajv the first call built, its schemas compiled, and the formats and keywords it registers again
 * are already there. The checks are asl-validator's own, with the same options on every call.
 */
import { createRequire } from 'node:module';

type AjvClass = new (options: object) => object;
type Validator = (
  definition: unknown,
  options: { checkArn: boolean; checkPaths: boolean },
) => { isValid: boolean; errors: unknown[] };

// asl-validator and the ajv it requires (read as `require('ajv').default` when it validates).
const fromHere = createRequire(import.meta.url);
const validatorPath = fromHere.resolve('asl-validator');
const aslValidator = fromHere(validatorPath) as Validator;
const ajv = createRequire(validatorPath)('ajv') as { default: AjvClass };

let built: object | undefined;

/** Builds the Ajv the first time; then the same one, on which registering again does nothing. */
function reusedAjv(Ajv: AjvClass): AjvClass {
  return function ReusedAjv(options: object) {
    if (!built) {
      built = new Ajv(options);
      return built;
    }
    return new Proxy(built, {
      get: (target, key, proxy) =>
        key === 'addFormat' || key === 'addKeyword' ? () => proxy : Reflect.get(target, key, target),
    });
  } as unknown as AjvClass;
}

/** asl-validator's verdict on a state machine definition (it adds defaults to what it checks: a copy is given). */
export function validateAsl(definition: unknown): { isValid: boolean; errors: unknown[] } {
  const Ajv = ajv.default;
  ajv.default = reusedAjv(Ajv);
  try {
    return aslValidator(JSON.parse(JSON.stringify(definition)), { checkArn: true, checkPaths: true });
  } finally {
    ajv.default = Ajv;
  }
}
