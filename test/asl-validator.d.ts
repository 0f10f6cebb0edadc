/** asl-validator 4 ships no types: its default export, as the compiler tests call it. */
declare module 'asl-validator' {
  interface AslValidatorOptions {
    checkArn?: boolean;
    checkPaths?: boolean;
  }
  export default function aslValidator(
    definition: unknown,
    options?: AslValidatorOptions,
  ): { isValid: boolean; errors: unknown[] };
}
