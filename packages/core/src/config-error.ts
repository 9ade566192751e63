/** Thrown by `createVerifier` and the adapters for invalid options; names each bad option. */
export class GatehouseConfigError extends Error {
  override readonly name = 'GatehouseConfigError';
  readonly issues: readonly { path: string; message: string }[];
  constructor(issues: readonly { path: string; message: string }[]) {
    super(`Invalid Gatehouse options: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    this.issues = issues;
  }
}
