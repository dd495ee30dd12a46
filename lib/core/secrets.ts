import { TerraformStack, TerraformVariable, Token } from 'cdktf';
import { Construct } from 'constructs';

/**
 * Returns a problem message when `value` is a literal string: secrets (passwords, tokens,
 * webhook URLs) must be references that Terraform resolves at apply time, typically a
 * sensitive `TerraformVariable`, so that they never appear in the synthesized JSON.
 */
export function literalSecretProblem(value: string): string | undefined {
  if (Token.isUnresolved(value)) return undefined;
  const shown = typeof value === 'string' && value.length > 0 ? `a literal string of ${value.length} characters` : JSON.stringify(value);
  return `must not be a literal secret (got ${shown}). Pass a reference instead, e.g. secretVariable(this, 'ScrapePassword').stringValue, so the value comes from a sensitive Terraform variable (TF_VAR_...) and never appears in the synthesized JSON.`;
}

/**
 * Declares (or returns the already declared) sensitive Terraform variable `id` at the stack
 * level. Set it with `TF_VAR_<id>` or a `.tfvars` file, typically from the CI's secret store.
 */
export function secretVariable(scope: Construct, id: string, description?: string): TerraformVariable {
  const stack = TerraformStack.of(scope);
  const existing = stack.node.tryFindChild(id);
  if (existing instanceof TerraformVariable) return existing;
  return new TerraformVariable(stack, id, {
    type: 'string',
    sensitive: true,
    nullable: false,
    description: description ?? `Secret ${id} (sensitive; set TF_VAR_${id}).`,
  });
}
