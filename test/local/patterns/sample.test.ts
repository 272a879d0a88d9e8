import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  busOf,
  InvalidSampleError,
  loadSample,
  parseSample,
  toEnvelope,
  toPutEventsEntry,
} from '../../../local/events/sample.js';

const fixturePath = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const badSamples = Object.entries(
  JSON.parse(readFileSync(fixturePath('bad-samples.json'), 'utf8')) as Record<string, string>,
).map(([file, message]) => ({ file, message }));
const goodPath = fixturePath('good-sample.json');

describe('loadSample', () => {
  describe('a valid sample', () => {
    it('returns it typed, as written', async () => {
      const sample = await loadSample(goodPath);
      expect(sample).toEqual(JSON.parse(readFileSync(goodPath, 'utf8')));
    });
  });

  describe('bad sample files', () => {
    it.each(badSamples)('rejects $file: $message', async ({ file, message }) => {
      const path = fixturePath(`bad-samples/${file}`);
      const error = await loadSample(path).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(InvalidSampleError);
      expect((error as Error).message).toContain(`${path}: `);
      expect((error as Error).message).toContain(message);
    });

    it('names the file it could not read', async () => {
      await expect(loadSample(fixturePath('no-such-sample.json'))).rejects.toThrow(
        /no-such-sample\.json: cannot read/,
      );
    });
  });
});

describe('parseSample', () => {
  it('names the source it was given in messages', () => {
    expect(() => parseSample([], 'inline sample')).toThrow('inline sample: the sample must be a JSON object');
  });

  describe('expect.unregistered', () => {
    const good = JSON.parse(readFileSync(goodPath, 'utf8')) as { expect: Record<string, unknown> };
    /** The good sample with its expectation replaced. */
    const withExpect = (expectation: Record<string, unknown>) => ({
      ...good,
      expect: { rules: good.expect.rules, ...expectation },
    });

    it('keeps the labels and reasons a relabelling sample expects beside its registration', () => {
      const unregistered = [{ connectorLabel: 'old-label', reason: 'relabelled' }];
      expect(parseSample(withExpect({ outcome: 'registered', unregistered })).expect.unregistered).toEqual(
        unregistered,
      );
    });

    it('is required when the outcome is unregistered, so the reason is always checked', () => {
      expect(() => parseSample(withExpect({ outcome: 'unregistered' }))).toThrow(
        'expect.unregistered must list what is unregistered and why when outcome is unregistered',
      );
    });

    it.each([
      [
        { connectorLabel: 'a-label', reason: 'gone' },
        'expect.unregistered[0].reason must be one of deleted, untagged, relabelled, orphaned; got "gone"',
      ],
      [{ reason: 'deleted' }, 'expect.unregistered[0].connectorLabel must be a non-empty string'],
      [
        { connectorLabel: 'a-label', reason: 'deleted', when: 'now' },
        'expect.unregistered[0] has unknown field(s) when',
      ],
    ])('refuses %j', (item, message) => {
      expect(() => parseSample(withExpect({ outcome: 'unregistered', unregistered: [item] }))).toThrow(
        message,
      );
    });

    it('refuses anything but an array', () => {
      expect(() => parseSample(withExpect({ outcome: 'unregistered', unregistered: 'old-label' }))).toThrow(
        'expect.unregistered must be an array of { connectorLabel, reason }',
      );
    });
  });
});

describe('busOf', () => {
  it("puts every account's events on its default bus, as AWS delivers them (a spoke's rules forward them)", async () => {
    const sample = await loadSample(goodPath);
    expect(busOf(sample)).toBe('default');
    expect(busOf({ ...sample, account: '222222222222' })).toBe('default');
  });

  it("follows the sample's own bus", async () => {
    const sample = await loadSample(goodPath);
    expect(busOf({ ...sample, bus: 'hub' })).toBe('hub');
    expect(busOf({ ...sample, bus: 'default' })).toBe('default');
  });
});

describe('toEnvelope', () => {
  describe('the envelope', () => {
    it('carries the account and Region of the put, never of the payload', async () => {
      const sample = await loadSample(goodPath);
      const envelope = toEnvelope(
        { ...sample, account: '222222222222', region: 'us-east-1' },
        { id: 'e-1', time: 'T' },
      );
      expect(envelope).toMatchObject({ account: '222222222222', region: 'us-east-1' });
    });

    it('builds the event EventBridge delivers', async () => {
      const sample = await loadSample(goodPath);
      expect(
        toEnvelope(sample, { id: '5a1f2c3d-0000-4000-8000-000000000001', time: '2025-06-03T09:14:05Z' }),
      ).toEqual({
        version: '0',
        id: '5a1f2c3d-0000-4000-8000-000000000001',
        'detail-type': sample.entry.DetailType,
        source: sample.entry.Source,
        account: sample.account,
        time: '2025-06-03T09:14:05Z',
        region: sample.region,
        resources: [],
        detail: sample.entry.Detail,
      });
    });

    it('formats a Date as EventBridge does, to the second', async () => {
      const sample = await loadSample(goodPath);
      expect(toEnvelope(sample, { id: 'e-1', time: new Date('2025-06-03T09:14:05.678Z') }).time).toBe(
        '2025-06-03T09:14:05Z',
      );
    });

    it('copies the detail, so a target that changes it does not change the sample', async () => {
      const sample = await loadSample(goodPath);
      const envelope = toEnvelope(sample, { id: 'e-1', time: 'T' });
      (envelope.detail as Record<string, unknown>).eventName = 'changed';
      expect(sample.entry.Detail.eventName).toBe('TagResource20170331v2');
    });
  });
});

describe('toPutEventsEntry', () => {
  it('carries Detail as JSON text, as PutEvents takes it', async () => {
    const sample = await loadSample(goodPath);
    const entry = toPutEventsEntry(sample);
    expect(entry).toEqual({
      Source: sample.entry.Source,
      DetailType: sample.entry.DetailType,
      Detail: JSON.stringify(sample.entry.Detail),
      Resources: [],
    });
  });
});
