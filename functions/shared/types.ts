/**
 * The contracts between the parts: what the rules hand the state machines, and what each task
 * hands the next. The ASL's Parameters and ResultPaths follow these shapes.
 */

/** `sweep`: the drift sweep (statemachine/sweep-connectors.asl.json) found the label drifted; its name is the class. */
export type TriggerKind = 'cloudtrail' | 'cloudformation' | 'pipeline' | 'sweep';

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

/**
 * Why a registration is unregistered, from AWS's present state: the function is gone (`deleted`),
 * carries no appflow:connector-label tag any more (`untagged`), or carries another label
 * (`relabelled`). `orphaned` is the drift sweep's: a registration whose function it found gone.
 */
export const REMOVAL_REASONS = ['deleted', 'untagged', 'relabelled', 'orphaned'] as const;
export type RemovalReason = (typeof REMOVAL_REASONS)[number];

/** A registration of the registrar that VerifyRemoval confirmed must go. */
export interface StaleRegistration {
  connectorLabel: string;
  connectorArn: string;
  /** ISO 8601: tells this registration apart from a later one of the same label. */
  registeredAt: string;
}

/** VerifyRemoval's answer when nothing is to be unregistered: the workflow ends Skipped. */
export interface NothingToUnregister {
  unregister: false;
  /** The function the guards let through; null when it was refused before that. */
  lambdaArn: string | null;
  /** Why nothing is unregistered, for the execution history. */
  why: string;
}

/**
 * VerifyRemoval's answer when registrations must go: every field UnregisterConnector and the events
 * need, validated and bounded. It replaces the signal in the state data.
 */
export interface RegistrationsToUnregister {
  unregister: true;
  /** The event envelope's, checked. */
  accountId: string;
  /** The event envelope's, checked. */
  region: string;
  /** Unqualified: the function every registration points at. */
  lambdaArn: string;
  reason: RemovalReason;
  /** In label order; at least one, at most MAX_REGISTRATIONS_PER_EXECUTION. */
  registrations: StaleRegistration[];
}

export type RemovalOutput = NothingToUnregister | RegistrationsToUnregister;

/** What the state machine passes to UnregisterConnector: one registration. */
export interface UnregisterInput extends StaleRegistration {
  executionArn: string;
  accountId: string;
  region: string;
  lambdaArn: string;
  reason: RemovalReason;
}

/** UnregisterConnector's answer; the ConnectorUnregistered event carries it with the execution ARN. */
export interface UnregisterOutput {
  connectorArn: string;
  connectorLabel: string;
  lambdaArn: string;
  accountId: string;
  region: string;
  reason: RemovalReason;
  /** true when the label was in use and unregistered anyway (hub parameter unregisterInUse force). */
  forced: boolean;
}
