import { SwitchboardApiError } from '@switchboard/client';

/** The text to show for a failed call: the API's own message (validation lists joined), else the error's. */
export function errorText(error: unknown): string {
  if (error instanceof SwitchboardApiError) {
    const body = error.body;
    if (!body) return `${error.status}`;
    const message = Array.isArray(body.message) ? body.message.join('; ') : body.message;
    return `${message} (${body.statusCode} ${body.code})`;
  }
  if (error instanceof TypeError) return 'The server cannot be reached';
  return error instanceof Error ? error.message : String(error);
}

export function statusOf(error: unknown): number | undefined {
  return error instanceof SwitchboardApiError ? error.status : undefined;
}
