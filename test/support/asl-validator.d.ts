// asl-validator 4.0.0 ships CommonJS without type declarations: the part of its API the tests use.
declare module 'asl-validator' {
  interface ValidationOptions {
    checkPaths?: boolean;
    checkArn?: boolean;
  }
  interface ValidationResult {
    isValid: boolean;
    errors: unknown[];
    errorsText: (separator?: string) => string;
  }
  function aslValidator(definition: unknown, options?: ValidationOptions): ValidationResult;
  export = aslValidator;
}
