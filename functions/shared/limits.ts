/**
 * AppFlow's input limits, from the service model (see reference/appflow.md). Checked before AppFlow
 * is called so a bad tag ends in a clear InvalidConnectorMetadataError, not a ValidationException.
 */
export const AppFlowLimits = {
  connectorLabel: { maxLength: 256, pattern: /^[a-zA-Z0-9][\w!@#.-]+$/ },
  description: { maxLength: 1024, pattern: /^[\s\w/!@#+=.-]*$/ },
  lambdaArn: { maxLength: 512, pattern: /^arn:aws:.*:.*:[0-9]+:.*$/ },
  clientToken: { minLength: 1, maxLength: 256, pattern: /^[ -~]+$/ },
} as const;

/** Why a label breaks AppFlow's limits, or undefined when it is fine. */
export function labelProblem(label: string): string | undefined {
  const { maxLength, pattern } = AppFlowLimits.connectorLabel;
  if (label.length > maxLength)
    return `is ${label.length} characters long; AppFlow allows at most ${maxLength}`;
  if (!pattern.test(label)) {
    return `must be at least 2 characters, start with a letter or digit and contain only letters, digits, _ ! @ # . -`;
  }
  return undefined;
}

/** Why a description breaks AppFlow's limits, or undefined when it is fine. */
export function descriptionProblem(description: string): string | undefined {
  const { maxLength, pattern } = AppFlowLimits.description;
  if (description.length > maxLength) {
    return `is ${description.length} characters long; AppFlow allows at most ${maxLength}`;
  }
  if (!pattern.test(description)) {
    return 'may contain only letters, digits, whitespace and _ / ! @ # + = . -';
  }
  return undefined;
}
