import { describe, expect, it } from 'vitest';
import { InvalidConnectorMetadataError } from '../../../functions/shared/errors.js';
import { resolveOptIn } from '../../../functions/verify-function/opt-in.js';
import { getFunctionOutput } from './helpers.js';

// The hub's default: the tags are the opt-in, a signal's hints may only confirm them.
const TAGS_ONLY = { allowUntaggedPipelineHints: false };
// A hub that set allowUntaggedPipelineHints: hints fill what the tags leave out.
const HINTS_FILL = { allowUntaggedPipelineHints: true };
const FUNCTION = 'arn:aws:lambda:eu-west-1:222222222222:function:acme-orders-connector';

const LABEL = 'appflow:connector-label';
const DESCRIPTION = 'appflow:connector-description';

function tagsOf(fixtureName: string): Record<string, string> {
  return getFunctionOutput(fixtureName).Tags ?? {};
}

function refusal(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidConnectorMetadataError);
    return error as Error;
  }
  throw new Error('resolveOptIn accepted the metadata');
}

describe('resolveOptIn', () => {
  describe('reads the opt-in from the tags', () => {
    it('takes the label and the description from the tags', () => {
      expect(resolveOptIn(tagsOf('get-function-tagged.json'), {}, TAGS_ONLY, FUNCTION)).toEqual({
        optedIn: true,
        connectorLabel: 'acme-orders',
        labelSource: 'tag',
        description: 'Orders from the Acme ERP',
        descriptionSource: 'tag',
      });
    });

    it('answers a null description when neither tag nor hint gives one', () => {
      expect(resolveOptIn(tagsOf('get-function-label-only.json'), {}, TAGS_ONLY, FUNCTION)).toMatchObject({
        optedIn: true,
        description: null,
        descriptionSource: null,
      });
    });

    it('treats an empty description tag as no description', () => {
      const tags = { ...tagsOf('get-function-label-only.json'), [DESCRIPTION]: '' };
      expect(resolveOptIn(tags, {}, TAGS_ONLY, FUNCTION)).toMatchObject({ description: null });
    });

    it('is not opted in without a label tag or hint, and says how to opt in', () => {
      const result = resolveOptIn(tagsOf('get-function-untagged.json'), {}, TAGS_ONLY, FUNCTION);
      expect(result.optedIn).toBe(false);
      expect(result).toHaveProperty('reason', expect.stringContaining(`no ${LABEL} tag`));
    });
  });

  describe('lets a hint only confirm the tags', () => {
    it('is not opted in when the function has no label tag, whatever the signal gives', () => {
      const hints = { connectorLabel: 'acme-orders', description: 'From the pipeline' };
      const result = resolveOptIn(tagsOf('get-function-untagged.json'), hints, TAGS_ONLY, FUNCTION);
      expect(result.optedIn).toBe(false);
      expect(result).toHaveProperty(
        'reason',
        expect.stringContaining(
          `no ${LABEL} tag; the signal's connectorLabel "acme-orders" does not opt it in`,
        ),
      );
      expect(result).toHaveProperty('reason', expect.stringContaining('allowUntaggedPipelineHints'));
    });

    it('does not validate the label of a signal it ignores, and keeps the reason printable', () => {
      const result = resolveOptIn({}, { connectorLabel: 'evil\u202Elabel\n' }, TAGS_ONLY, FUNCTION);
      expect(result.optedIn).toBe(false);
      expect(result).toHaveProperty('reason', expect.stringContaining('"evil\\u202elabel\\u000a"'));
      expect((result as { reason: string }).reason).toMatch(/^[\x20-\x7e]*$/);
    });

    it('accepts a hint equal to the tag', () => {
      const hints = { connectorLabel: 'acme-orders', description: 'Orders from the Acme ERP' };
      expect(resolveOptIn(tagsOf('get-function-tagged.json'), hints, TAGS_ONLY, FUNCTION)).toMatchObject({
        connectorLabel: 'acme-orders',
        labelSource: 'tag',
        descriptionSource: 'tag',
      });
    });

    it('refuses a label hint that differs from the tag', () => {
      const error = refusal(() =>
        resolveOptIn(
          tagsOf('get-function-tagged.json'),
          { connectorLabel: 'acme-sales' },
          TAGS_ONLY,
          FUNCTION,
        ),
      );
      expect(error.message).toContain(
        `${LABEL} tag is "acme-orders" but the signal's connectorLabel is "acme-sales"`,
      );
    });

    it('refuses a description hint that differs from the tag', () => {
      const error = refusal(() =>
        resolveOptIn(tagsOf('get-function-tagged.json'), { description: 'Other' }, TAGS_ONLY, FUNCTION),
      );
      expect(error.message).toContain(`${DESCRIPTION} tag is "Orders from the Acme ERP"`);
    });

    it('refuses a description hint when the function has no description tag', () => {
      const error = refusal(() =>
        resolveOptIn(
          tagsOf('get-function-label-only.json'),
          { description: 'From the pipeline' },
          TAGS_ONLY,
          FUNCTION,
        ),
      );
      expect(error.message).toContain(
        `${FUNCTION}: the signal's description is "From the pipeline" but the function has no ${DESCRIPTION} tag`,
      );
    });
  });

  describe('with allowUntaggedPipelineHints, lets a pipeline hint fill what the tags leave out', () => {
    it('takes label and description from hints when the function is untagged', () => {
      const hints = { connectorLabel: 'acme-orders', description: 'From the pipeline' };
      expect(resolveOptIn(tagsOf('get-function-untagged.json'), hints, HINTS_FILL, FUNCTION)).toEqual({
        optedIn: true,
        connectorLabel: 'acme-orders',
        labelSource: 'hint',
        description: 'From the pipeline',
        descriptionSource: 'hint',
      });
    });

    it('takes only the description from a hint when the label is tagged', () => {
      expect(
        resolveOptIn(
          tagsOf('get-function-label-only.json'),
          { description: 'From the pipeline' },
          HINTS_FILL,
          FUNCTION,
        ),
      ).toMatchObject({
        labelSource: 'tag',
        description: 'From the pipeline',
        descriptionSource: 'hint',
      });
    });

    it('still refuses a hint that differs from the tag', () => {
      const error = refusal(() =>
        resolveOptIn(
          tagsOf('get-function-tagged.json'),
          { connectorLabel: 'acme-sales' },
          HINTS_FILL,
          FUNCTION,
        ),
      );
      expect(error.message).toContain(`but the signal's connectorLabel is "acme-sales"`);
    });

    it('refuses an invalid label given as a hint, saying it came from the signal', () => {
      const error = refusal(() => resolveOptIn({}, { connectorLabel: 'acme/orders' }, HINTS_FILL, FUNCTION));
      expect(error.message).toContain(`${FUNCTION}: the signal's value for ${LABEL} "acme/orders"`);
      expect(error.message).toContain('change the signal');
    });
  });

  describe("refuses metadata that breaks AppFlow's limits", () => {
    it.each([
      [
        'starts with a dash',
        '-orders',
        /tag "-orders" must be at least 2 characters, start with a letter or digit/,
      ],
      ['is one character', 'a', /must be at least 2 characters/],
      ['has a space', 'acme orders', /"acme orders" must be at least 2 characters/],
      ['is empty', '', /tag "" is empty/],
    ])('refuses a label that %s, naming the tag, the value and the rule', (_, label, message) => {
      const error = refusal(() => resolveOptIn({ [LABEL]: label }, {}, TAGS_ONLY, FUNCTION));
      expect(error.message).toMatch(message);
      expect(error.message).toContain(`${FUNCTION}: the ${LABEL} tag`);
    });

    it('refuses a label over 256 characters and truncates it in the message', () => {
      const label = `a${'b'.repeat(299)}`;
      const error = refusal(() => resolveOptIn({ [LABEL]: label }, {}, TAGS_ONLY, FUNCTION));
      expect(error.message).toContain('is 300 characters long; AppFlow allows at most 256');
      expect(error.message).toContain('...(300 chars)');
      expect(error.message).not.toContain(label);
    });

    it('refuses a description with characters AppFlow rejects', () => {
      const error = refusal(() =>
        resolveOptIn({ [LABEL]: 'acme-orders', [DESCRIPTION]: 'Orders (Acme)' }, {}, TAGS_ONLY, FUNCTION),
      );
      expect(error.message).toContain(`${DESCRIPTION} tag "Orders (Acme)" may contain only letters, digits`);
    });

    it('refuses a description over 1024 characters', () => {
      const error = refusal(() =>
        resolveOptIn({ [LABEL]: 'acme-orders', [DESCRIPTION]: 'x'.repeat(1025) }, {}, TAGS_ONLY, FUNCTION),
      );
      expect(error.message).toContain('is 1025 characters long; AppFlow allows at most 1024');
    });
  });

  describe('keeps messages printable whatever the tag holds', () => {
    it.each([
      ['a newline', 'acme\norders', 'acme\\u000aorders'],
      ['a right-to-left override', 'acme\u202Eorders', 'acme\\u202eorders'],
      ['an accented letter', 'caf\u00e9-orders', 'caf\\u00e9-orders'],
      ['an emoji', 'acme-\u{1F680}', 'acme-\\ud83d\\ude80'],
      ['a NUL and a backslash', 'acme\u0000\\x', 'acme\\u0000\\\\x'],
    ])('escapes %s in the label', (_, label, escaped) => {
      const error = refusal(() => resolveOptIn({ [LABEL]: label }, {}, TAGS_ONLY, FUNCTION));
      expect(error.message).toContain(`"${escaped}"`);
      expect(error.message).toMatch(/^[\x20-\x7e]*$/);
    });

    it('escapes a control character in a description', () => {
      const error = refusal(() =>
        resolveOptIn({ [LABEL]: 'acme-orders', [DESCRIPTION]: 'Orders\u0007' }, {}, TAGS_ONLY, FUNCTION),
      );
      expect(error.message).toContain('"Orders\\u0007"');
      expect(error.message).toMatch(/^[\x20-\x7e]*$/);
    });

    it('accepts a multi-line description, since AppFlow allows whitespace', () => {
      const result = resolveOptIn(
        { [LABEL]: 'acme-orders', [DESCRIPTION]: 'Orders\nfrom Acme' },
        {},
        TAGS_ONLY,
        FUNCTION,
      );
      expect(result).toMatchObject({ description: 'Orders\nfrom Acme' });
    });
  });
});
