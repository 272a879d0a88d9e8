/**
 * What this function may do in a member account: the session policy its spoke role session gets
 * (functions/shared/clients.ts). test/template checks it is exactly the commands its code sends.
 * Read-only: the sweep repairs by starting the workflows, which act with their own sessions.
 */
export const SPOKE_ACTIONS: readonly string[] = [
  'appflow:DescribeConnector',
  'appflow:ListConnectors',
  'tag:GetResources',
];
