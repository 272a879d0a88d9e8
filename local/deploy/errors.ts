/**
 * A template the local stack cannot deploy: a parameter without a value, an intrinsic function it
 * cannot resolve, a resource it does not know how to create. The message names where and what to do.
 */
export class TemplateError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TemplateError';
  }
}
