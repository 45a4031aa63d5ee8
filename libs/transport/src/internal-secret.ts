/** The header dispatch and the gateways send to prove they hold the internal secret (checked with SharedSecret). */
export function internalAuthHeader(secret: string): string {
  return `Bearer ${secret}`;
}
