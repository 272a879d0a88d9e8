import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { HUB, readFixture, useHubEvents } from './harness.js';

const SPOKE = '222222222222';
const OUTSIDER = '999999999999';

describe('EventsService', () => {
  const harness = useHubEvents();

  describe('PutEvents', () => {
    it('answers an event id per entry and keeps the event on its bus', async () => {
      const [entry] = readFixture<PutEventsRequestEntry[]>('partial-failure-entries.json');
      const result = await harness
        .client(HUB)
        .send(new PutEventsCommand({ Entries: [entry as PutEventsRequestEntry] }));
      expect(result.FailedEntryCount).toBe(0);
      const id = result.Entries?.[0]?.EventId;
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      const kept = harness.events
        .publishedEvents({ accountId: HUB, busName: 'default' })
        .find((p) => p.event.id === id);
      expect(kept?.event).toMatchObject({
        source: 'com.example.ci',
        account: HUB,
        region: 'eu-west-1',
        resources: [],
      });
    });

    it('fails bad entries one by one while the others go through', async () => {
      const entries = readFixture<PutEventsRequestEntry[]>('partial-failure-entries.json');
      const expected = readFixture<({ ok: true } | { ErrorCode: string; ErrorMessage: string })[]>(
        'partial-failure-results.json',
      );
      const result = await harness.client(HUB).send(new PutEventsCommand({ Entries: entries }));
      expect(result.FailedEntryCount).toBe(expected.filter((entry) => !('ok' in entry)).length);
      expect(result.Entries).toHaveLength(entries.length);
      result.Entries?.forEach((entry, index) => {
        const want = expected[index];
        if (want !== undefined && 'ok' in want) expect(entry.EventId, `entry ${index}`).toBeDefined();
        else expect(entry, `entry ${index}`).toEqual(want);
      });
    });

    it('writes the envelope from the caller, the Region and the entry', async () => {
      const result = await harness.client(HUB, 'us-east-1').send(
        new PutEventsCommand({
          Entries: [
            {
              Source: 'com.example.ci',
              DetailType: 'Timed',
              Detail: '{"n": 1}',
              Time: new Date('2026-03-04T05:06:07.890Z'),
              Resources: ['arn:aws:s3:::bucket'],
            },
          ],
        }),
      );
      const id = result.Entries?.[0]?.EventId;
      const kept = harness.events.publishedEvents({ region: 'us-east-1' }).find((p) => p.event.id === id);
      expect(kept?.event).toEqual({
        version: '0',
        id,
        'detail-type': 'Timed',
        source: 'com.example.ci',
        account: HUB,
        time: '2026-03-04T05:06:07Z',
        region: 'us-east-1',
        resources: ['arn:aws:s3:::bucket'],
        detail: { n: 1 },
      });
    });

    it('refuses more than 10 entries as a whole', async () => {
      const entry = { Source: 'com.example.ci', DetailType: 'x', Detail: '{}' };
      await expect(
        harness.client(HUB).send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => entry) })),
      ).rejects.toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    });

    it('refuses a request over 256 KB as a whole', async () => {
      const detail = JSON.stringify({ blob: 'x'.repeat(140 * 1024) });
      const entry = { Source: 'com.example.ci', DetailType: 'x', Detail: detail };
      await expect(
        harness.client(HUB).send(new PutEventsCommand({ Entries: [entry, entry] })),
      ).rejects.toMatchObject({
        name: 'ValidationException',
        message: 'Total size of the entries in the request is over the limit.',
      });
    });
  });

  describe('Time', () => {
    const entry = { Source: 'com.example.ci', DetailType: 'Out of time', Detail: '{}' };

    /** PutEvents as a hand-written JSON client sends it: the SDK serializes any Date as a number. */
    const putRaw = async (time: unknown) => {
      const response = await fetch(`${harness.server.endpoint}/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'AWSEvents.PutEvents',
          authorization: `AWS4-HMAC-SHA256 Credential=${HUB}/20261127/eu-west-1/events/aws4_request, SignedHeaders=host, Signature=0`,
        },
        body: JSON.stringify({ Entries: [{ ...entry, Time: time }] }),
      });
      return { status: response.status, body: await response.json() };
    };

    it('refuses a Time that is not a JSON number as a whole, with SerializationException', async () => {
      for (const time of ['not-a-date', '2026-03-04T05:06:07Z', '1772600767']) {
        const answer = await putRaw(time);
        expect(answer, String(time)).toMatchObject({
          status: 400,
          body: { __type: 'SerializationException' },
        });
      }
      expect(
        harness.events
          .publishedEvents({ busName: 'default' })
          .some((p) => p.event['detail-type'] === 'Out of time'),
      ).toBe(false);
    });

    it('fails an entry whose Time is beyond what RFC 3339 writes, and only that entry', async () => {
      const result = await harness.client(HUB).send(
        new PutEventsCommand({
          Entries: [
            { ...entry, Time: new Date('+010000-01-01T00:00:00Z') },
            { ...entry, Time: new Date('9999-12-31T23:59:59Z') },
          ],
        }),
      );
      expect(result.FailedEntryCount).toBe(1);
      expect(result.Entries?.[0]).toEqual({
        ErrorCode: 'InvalidArgument',
        ErrorMessage:
          'Parameter Time is not valid. Reason: 253402300800 seconds since the epoch is not a time RFC 3339 can write; use one from 0000-01-01T00:00:00Z to 9999-12-31T23:59:59Z.',
      });
      const kept = harness.events.publishedEvents().find((p) => p.event.id === result.Entries?.[1]?.EventId);
      expect(kept?.event.time).toBe('9999-12-31T23:59:59Z');
    });

    it('answers a Time out of every calendar with an entry error, not a server error', async () => {
      const answer = await putRaw(1e13);
      expect(answer).toMatchObject({
        status: 200,
        body: { FailedEntryCount: 1, Entries: [{ ErrorCode: 'InvalidArgument' }] },
      });
    });
  });

  describe('aws.* sources', () => {
    const entry = {
      Source: 'aws.lambda',
      DetailType: 'AWS API Call via CloudTrail',
      Detail: '{"eventName":"Invoke"}',
    };

    it('refuses them from an account principal', async () => {
      const result = await harness.client(HUB).send(new PutEventsCommand({ Entries: [entry] }));
      expect(result.FailedEntryCount).toBe(1);
      expect(result.Entries?.[0]?.ErrorCode).toBe('NotAuthorizedForSourceException');
    });

    it('accepts them from the AWS service stand-in of the account', async () => {
      const result = await harness
        .client(`LOCALAWSSERVICE${HUB}`)
        .send(new PutEventsCommand({ Entries: [entry] }));
      expect(result.FailedEntryCount).toBe(0);
    });
  });

  describe('another account’s bus', () => {
    const entry = (busArn: string) => ({
      Source: 'com.example.ci',
      DetailType: 'Connector Lambda Deployed',
      Detail: '{"functionArn":"arn:aws:lambda:eu-west-1:222222222222:function:sales-connector"}',
      EventBusName: busArn,
    });

    it('lets a member of the organization put on the hub bus by ARN, as its own account', async () => {
      const result = await harness
        .client(SPOKE)
        .send(new PutEventsCommand({ Entries: [entry(harness.hub.eventBus.arn)] }));
      expect(result.FailedEntryCount).toBe(0);
      const kept = harness.events
        .publishedEvents({ busName: harness.hub.eventBus.name })
        .find((p) => p.event.id === result.Entries?.[0]?.EventId);
      expect(kept?.event.account).toBe(SPOKE);
      expect(kept?.bus.accountId).toBe(HUB);
    });

    it('refuses an account outside the organization with AccessDeniedException', async () => {
      const result = await harness
        .client(OUTSIDER)
        .send(new PutEventsCommand({ Entries: [entry(harness.hub.eventBus.arn)] }));
      expect(result.FailedEntryCount).toBe(1);
      expect(result.Entries?.[0]).toMatchObject({
        ErrorCode: 'AccessDeniedException',
        ErrorMessage: expect.stringContaining(
          `arn:aws:iam::${OUTSIDER}:root is not authorized to perform: events:PutEvents`,
        ),
      });
    });

    it('refuses the default bus of another account, which has no policy', async () => {
      const result = await harness
        .client(SPOKE)
        .send(
          new PutEventsCommand({ Entries: [entry(`arn:aws:events:eu-west-1:${HUB}:event-bus/default`)] }),
        );
      expect(result.Entries?.[0]?.ErrorCode).toBe('AccessDeniedException');
    });

    it('answers ResourceNotFoundException for a bus the account does not have', async () => {
      const result = await harness.client(SPOKE).send(
        new PutEventsCommand({
          Entries: [entry(`arn:aws:events:eu-west-1:${HUB}:event-bus/nothing-here`)],
        }),
      );
      expect(result.Entries?.[0]).toEqual({
        ErrorCode: 'ResourceNotFoundException',
        ErrorMessage: 'Event bus nothing-here does not exist.',
      });
    });
  });
});
