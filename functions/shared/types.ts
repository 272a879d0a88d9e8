/**
 * The contracts between the parts: what the rules hand the state machine, and what each task
 * hands the next. The ASL's Parameters and ResultPaths follow these shapes.
 */

export type TriggerKind = 'cloudtrail' | 'cloudformation' | 'pipeline';

/** The normalized workflow input every deploy signal is turned into by its rule's input transformer. */
export interface WorkflowInput {
  /** From the event envelope (set by EventBridge), never from the payload. */
  accountId: string;
  /** From the event envelope. */
  region: string;
  /** The function the signal names, as the signal names it (validated by VerifyFunction). */
  functionArn: string;
  /**
   * The pipeline signal's `detail` (connectorLabel?, description?); null for the other signals.
   * Always present: the ASL reads it, and a missing path would end the execution without an alert.
   * Only VerifyFunction reads it: hints may confirm the tags, never stand in for them (unless the
   * hub sets allowUntaggedPipelineHints), and no later state carries them.
   */
  hints: ConnectorHints | null;
  trigger: {
    kind: TriggerKind;
    eventId: string;
    /** CloudTrail event name, CloudFormation status, or the pipeline detail-type. */
    name: string;
    time: string;
  };
}

export interface ConnectorHints {
  connectorLabel?: string | null;
  description?: string | null;
}

/** What the state machine passes to VerifyFunction: the workflow input and the execution. */
export interface VerifyInput extends WorkflowInput {
  executionArn: string;
}

/** VerifyFunction's answer when the function has not opted in: the workflow ends quietly. */
export interface NotOptedIn {
  optedIn: false;
  lambdaArn: string;
  reason: string;
}

/**
 * VerifyFunction's answer for a connector that may be registered: every field RegisterConnector and
 * the events need, each validated and bounded. It replaces the workflow input in the state data, so
 * nothing the signal carried travels past VerifyFunction.
 */
export interface VerifiedConnector {
  optedIn: true;
  /** The event envelope's, checked. */
  accountId: string;
  /** The event envelope's, checked. */
  region: string;
  connectorLabel: string;
  /** null when the function has no description tag. */
  description: string | null;
  /** Unqualified. */
  lambdaArn: string;
  codeSha256: string;
  /** ISO 8601, the function's LastModified. */
  lastModified: string;
}

export type VerifyOutput = NotOptedIn | VerifiedConnector;

/** What the state machine passes to RegisterConnector. */
export interface RegisterInput {
  executionArn: string;
  accountId: string;
  region: string;
  connectorLabel: string;
  description: string | null;
  lambdaArn: string;
  codeSha256: string;
  lastModified: string;
  /**
   * Set by the register handler itself (register-connector/replay-or-register.ts), never read from
   * the task input: a stored result claimed a registration AppFlow no longer holds, so this run
   * registers again, with a clientToken of its own.
   */
  reregister?: true;
}

export type RegistrationAction = 'registered' | 'updated' | 'unchanged';

/** RegisterConnector's answer; the ConnectorRegistered event carries it with the execution ARN. */
export interface RegisterOutput {
  connectorArn: string;
  connectorLabel: string;
  lambdaArn: string;
  accountId: string;
  region: string;
  action: RegistrationAction;
  codeSha256: string;
}
