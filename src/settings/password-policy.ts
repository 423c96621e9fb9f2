/** ZITADEL's default password complexity settings. */
export interface PasswordComplexity {
  readonly minLength: number;
  readonly requiresUppercase: boolean;
  readonly requiresLowercase: boolean;
  readonly requiresNumber: boolean;
  readonly requiresSymbol: boolean;
}

export const DEFAULT_PASSWORD_COMPLEXITY: PasswordComplexity = Object.freeze({
  minLength: 8,
  requiresUppercase: true,
  requiresLowercase: true,
  requiresNumber: true,
  requiresSymbol: true,
});

/** Every rule the password breaks, worded for the person choosing it; empty when it is fine. */
export function passwordProblems(password: string, policy: PasswordComplexity = DEFAULT_PASSWORD_COMPLEXITY): string[] {
  const problems: string[] = [];
  if ([...password].length < policy.minLength) problems.push(`must be at least ${policy.minLength} characters long`);
  if (policy.requiresUppercase && !/\p{Lu}/u.test(password)) problems.push('must contain an uppercase letter');
  if (policy.requiresLowercase && !/\p{Ll}/u.test(password)) problems.push('must contain a lowercase letter');
  if (policy.requiresNumber && !/\p{Nd}/u.test(password)) problems.push('must contain a number');
  if (policy.requiresSymbol && !/[^\p{L}\p{Nd}]/u.test(password)) problems.push('must contain a symbol');
  return problems;
}
