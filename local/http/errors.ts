/**
 * The error a service handler throws to answer with an AWS error. The server writes it in the
 * service's wire protocol (http/protocols.ts) so the SDK raises the exception class named `code`.
 */
export class AwsServiceError extends Error {
  constructor(
    /** HTTP status AWS uses for this error. */
    readonly status: number,
    /** The exception shape name: ThrottlingException, ResourceNotFoundException, AccessDenied… */
    readonly code: string,
    message: string,
    /** Client (Sender) or server (Receiver) fault, for the query protocol. */
    readonly fault: 'client' | 'server' = status >= 500 ? 'server' : 'client',
  ) {
    super(message);
    this.name = 'AwsServiceError';
  }
}
