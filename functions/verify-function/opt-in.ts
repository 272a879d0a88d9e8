import { InvalidConnectorMetadataError } from '../shared/errors.js';
import { Tags } from '../shared/event-types.js';
import { descriptionProblem, labelProblem } from '../shared/limits.js';
import { printable } from '../shared/text.js';
import type { ValidInput } from './input.js';

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

/**
 * Decides whether the function opted in, and with which label and description. The tags win; a
 * pipeline's hints fill what the tags leave out (a pipeline that sends the event asked explicitly);
 * a tag and a hint that disagree are an error, since either may be the one the owner meant.
 * Values that break AppFlow's limits are refused here, before AppFlow sees them.
 */
export function resolveOptIn(tags: Readonly<Record<string, string>>, hints: ValidInput['hints']): OptIn {
  const labelTag = tags[Tags.connectorLabel];
  // An empty description tag says nothing; an empty label tag is an opt-in with a broken label.
  const descriptionTag = tags[Tags.connectorDescription] || undefined;

  const label = pick(Tags.connectorLabel, 'connectorLabel', labelTag, hints.connectorLabel);
  if (!label) {
    return {
      optedIn: false,
      reason: `The function has no ${Tags.connectorLabel} tag and the signal gave no connectorLabel; tag it to register it as an AppFlow connector.`,
    };
  }
  const description = pick(Tags.connectorDescription, 'description', descriptionTag, hints.description);

  check(label, Tags.connectorLabel, labelProblem);
  if (description) check(description, Tags.connectorDescription, descriptionProblem);

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

function pick(
  tag: string,
  hint: string,
  tagValue: string | undefined,
  hintValue: string | undefined,
): Sourced | undefined {
  if (tagValue !== undefined && hintValue !== undefined && tagValue !== hintValue) {
    throw new InvalidConnectorMetadataError(
      `The function's ${tag} tag is "${printable(tagValue)}" but the signal's ${hint} is "${printable(hintValue)}". Make them the same, or leave ${hint} out of the signal so the tag decides.`,
    );
  }
  if (tagValue !== undefined) return { value: tagValue, source: 'tag' };
  if (hintValue !== undefined) return { value: hintValue, source: 'hint' };
  return undefined;
}

function check(found: Sourced, tag: string, problemOf: (value: string) => string | undefined): void {
  const problem = found.value === '' ? 'is empty' : problemOf(found.value);
  if (problem === undefined) return;
  const origin = found.source === 'tag' ? `The ${tag} tag` : `The signal's value for ${tag}`;
  throw new InvalidConnectorMetadataError(
    `${origin} "${printable(found.value)}" ${problem}. AppFlow would refuse it: change the ${found.source === 'tag' ? 'tag' : 'signal'} and deploy again.`,
  );
}
