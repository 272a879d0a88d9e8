import { InvalidConnectorMetadataError } from '../shared/errors.js';
import { Tags } from '../shared/event-types.js';
import { descriptionProblem, labelProblem } from '../shared/limits.js';
import { printable } from '../shared/text.js';
import type { ValidInput } from '../shared/workflow-input.js';
import type { VerifyConfig } from './config.js';

/** Where a value came from, for the log and for error messages. */
export type MetadataSource = 'tag' | 'hint';

export type OptIn =
  | { optedIn: false; reason: string }
  | {
      optedIn: true;
      connectorLabel: string;
      labelSource: MetadataSource;
      description: string | null;
      descriptionSource: MetadataSource | null;
    };

/** What decides whether a hint may stand in for a tag. */
export type OptInPolicy = Pick<VerifyConfig, 'allowUntaggedPipelineHints'>;

/**
 * Decides whether the function opted in, and with which label and description. The tags are the
 * opt-in: whoever may tag the function is whoever may register it, while anyone allowed to put
 * events on a bus that reaches the hub can send a pipeline signal. So a hint may only confirm a tag:
 * without the label tag the function is not opted in, whatever the signal says; a description hint
 * without the description tag, or a hint that differs from its tag, is refused. Only a hub that sets
 * allowUntaggedPipelineHints lets hints fill what the tags leave out. Values that break AppFlow's
 * limits are refused here, before AppFlow sees them.
 */
export function resolveOptIn(
  tags: Readonly<Record<string, string>>,
  hints: ValidInput['hints'],
  policy: OptInPolicy,
  /** The (validated) function, named in every refusal: the failure event names it nowhere else. */
  lambdaArn: string,
): OptIn {
  const labelTag = tags[Tags.connectorLabel];
  // An empty description tag says nothing; an empty label tag is an opt-in with a broken label.
  const descriptionTag = tags[Tags.connectorDescription] || undefined;
  const hintsMayFill = policy.allowUntaggedPipelineHints;

  // No label tag: not a connector, unless the hub lets a signal's label stand in for the tag.
  const label =
    labelTag === undefined && !hintsMayFill
      ? undefined
      : pick(lambdaArn, Tags.connectorLabel, 'connectorLabel', labelTag, hints.connectorLabel, hintsMayFill);
  if (!label) return { optedIn: false, reason: notOptedInReason(hints) };
  const description = pick(
    lambdaArn,
    Tags.connectorDescription,
    'description',
    descriptionTag,
    hints.description,
    hintsMayFill,
  );

  check(lambdaArn, label, Tags.connectorLabel, labelProblem);
  if (description) check(lambdaArn, description, Tags.connectorDescription, descriptionProblem);

  return {
    optedIn: true,
    connectorLabel: label.value,
    labelSource: label.source,
    description: description?.value ?? null,
    descriptionSource: description?.source ?? null,
  };
}

interface Sourced {
  value: string;
  source: MetadataSource;
}

function notOptedInReason(hints: ValidInput['hints']): string {
  const tagIt = `tag it to register it as an AppFlow connector`;
  if (hints.connectorLabel === undefined) {
    return `The function has no ${Tags.connectorLabel} tag and the signal gave no connectorLabel; ${tagIt}.`;
  }
  return `The function has no ${Tags.connectorLabel} tag; the signal's connectorLabel "${printable(hints.connectorLabel)}" does not opt it in, since a signal may only confirm the tags (hub parameter allowUntaggedPipelineHints). To register it, ${tagIt}.`;
}

function pick(
  lambdaArn: string,
  tag: string,
  hint: string,
  tagValue: string | undefined,
  hintValue: string | undefined,
  hintsMayFill: boolean,
): Sourced | undefined {
  if (tagValue !== undefined && hintValue !== undefined && tagValue !== hintValue) {
    throw new InvalidConnectorMetadataError(
      `${lambdaArn}: the function's ${tag} tag is "${printable(tagValue)}" but the signal's ${hint} is "${printable(hintValue)}". Make them the same, or leave ${hint} out of the signal so the tag decides.`,
    );
  }
  if (tagValue !== undefined) return { value: tagValue, source: 'tag' };
  if (hintValue === undefined) return undefined;
  if (hintsMayFill) return { value: hintValue, source: 'hint' };
  // Only a description gets here (resolveOptIn never asks for a label without its tag): a signal
  // that would set or change a registered connector's description by itself is refused, and says so.
  throw new InvalidConnectorMetadataError(
    `${lambdaArn}: the signal's ${hint} is "${printable(hintValue)}" but the function has no ${tag} tag: a signal may only confirm the tags. Tag the function with ${tag}, or leave ${hint} out of the signal.`,
  );
}

function check(
  lambdaArn: string,
  found: Sourced,
  tag: string,
  problemOf: (value: string) => string | undefined,
): void {
  const problem = found.value === '' ? 'is empty' : problemOf(found.value);
  if (problem === undefined) return;
  const origin =
    found.source === 'tag' ? `${lambdaArn}: the ${tag} tag` : `${lambdaArn}: the signal's value for ${tag}`;
  throw new InvalidConnectorMetadataError(
    `${origin} "${printable(found.value)}" ${problem}. AppFlow would refuse it: change the ${found.source === 'tag' ? 'tag' : 'signal'} and deploy again.`,
  );
}
