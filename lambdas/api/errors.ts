import { OrcaError } from '../util/errors.js';

/** API errors: a status, a short code, a message that says what to do, and details. */
export class ApiError extends OrcaError {
  static override readonly errorName = 'ApiError';
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, details?: unknown) => new ApiError(400, 'bad_request', message, details);
export const notFound = (message: string) => new ApiError(404, 'not_found', message);
export const conflict = (message: string, details?: unknown) => new ApiError(409, 'conflict', message, details);
export const invalid = (message: string, details?: unknown) => new ApiError(422, 'invalid_campaign', message, details);
