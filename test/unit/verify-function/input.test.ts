import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../functions/shared/errors.js';
import { correlationKeys, parseVerifyInput } from '../../../functions/shared/workflow-input.js';
import { fixture } from './helpers.js';

function refused(event: unknown): InvalidInputError {
  try {
    parseVerifyInput(event);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).name).toBe('InvalidInputError');
    return error as InvalidInputError;
  }
  throw new Error('parseVerifyInput accepted the event');
}

describe('parseVerifyInput', () => {
  describe('accepts the shapes the rules produce', () => {
    it('keeps the fields of a CloudTrail input and reduces null hints to none', () => {
      const event = fixture('input-cloudtrail.json');
      expect(parseVerifyInput(event)).toEqual({ ...event, hints: {} });
    });

    it('keeps the hints of a pipeline input', () => {
      expect(parseVerifyInput(fixture('input-pipeline.json')).hints).toEqual({
        connectorLabel: 'acme-orders',
        description: 'Orders from the Acme ERP',
      });
    });

    it('treats missing hints, null hint fields and empty hint strings as absent', () => {
      const event = fixture('input-pipeline.json');
      expect(parseVerifyInput({ ...event, hints: undefined }).hints).toEqual({});
      expect(parseVerifyInput({ ...event, hints: { connectorLabel: '', description: null } }).hints).toEqual(
        {},
      );
      expect(parseVerifyInput({ ...event, hints: { description: 'only this' } }).hints).toEqual({
        description: 'only this',
      });
    });
  });

  describe('refuses a missing or mistyped field, naming it and what was expected', () => {
    it.each([
      ['not an object', 'a string', /the input must be an object; got a string/],
      ['null', null, /the input must be an object; got null/],
      ['an array', [], /the input must be an object; got an array/],
    ])('refuses an input that is %s', (_, event, message) => {
      expect(refused(event).message).toMatch(message);
    });

    it.each([
      ['accountId', undefined, /accountId must be a non-empty string; got nothing/],
      ['accountId', 222222222222, /accountId must be a non-empty string; got a number/],
      ['accountId', '2222', /accountId is "2222"; expected a 12-digit AWS account ID/],
      ['accountId', '22222222222a', /expected a 12-digit AWS account ID/],
      ['region', 'Europe', /region is "Europe"; expected an AWS Region such as eu-west-1/],
      ['region', '', /region must be a non-empty string; got an empty string/],
      ['functionArn', null, /functionArn must be a non-empty string; got null/],
      ['executionArn', undefined, /executionArn must be a non-empty string/],
      ['trigger', 'cloudtrail', /trigger must be an object; got a string/],
      ['hints', 'acme-orders', /hints must be an object; got a string/],
      ['hints', [], /hints must be an object; got an array/],
    ])('refuses %s = %j', (field, value, message) => {
      const event = { ...fixture('input-cloudtrail.json'), [field]: value };
      expect(refused(event).message).toMatch(message);
    });

    it.each([
      [
        'kind',
        'eventbridge',
        /trigger.kind is "eventbridge"; expected one of cloudtrail, cloudformation, pipeline/,
      ],
      ['kind', undefined, /trigger.kind must be a non-empty string/],
      ['eventId', 42, /trigger.eventId must be a non-empty string; got a number/],
      ['name', undefined, /trigger.name must be a non-empty string/],
      ['time', {}, /trigger.time must be a non-empty string; got an object/],
    ])('refuses trigger.%s = %j', (field, value, message) => {
      const event = fixture<{ trigger: Record<string, unknown> }>('input-cloudtrail.json');
      event.trigger[field] = value;
      expect(refused(event).message).toMatch(message);
    });

    it.each([
      ['connectorLabel', 7, /hints.connectorLabel must be a string or null; got a number/],
      ['description', ['a'], /hints.description must be a string or null; got an array/],
    ])('refuses hints.%s = %j', (field, value, message) => {
      const event = { ...fixture('input-pipeline.json'), hints: { [field]: value } };
      expect(refused(event).message).toMatch(message);
    });

    it('tells where the input comes from', () => {
      expect(refused({}).message).toMatch(/check the rule input transformer/);
    });

    it('escapes control characters of a bad value', () => {
      const event = { ...fixture('input-cloudtrail.json'), region: 'eu-west-1\n{"forged":true}' };
      const { message } = refused(event);
      expect(message).toContain('eu-west-1\\u000a{"forged":true}');
      expect(message).not.toContain('\n');
    });
  });
});

describe('correlationKeys', () => {
  describe('picks the keys a log line needs', () => {
    it('returns the execution and function ARNs of an event', () => {
      const event = fixture<{ executionArn: string; functionArn: string }>('input-cloudtrail.json');
      expect(correlationKeys(event)).toEqual({
        executionArn: event.executionArn,
        functionArn: event.functionArn,
      });
    });

    it('leaves out what is missing or not a string', () => {
      expect(correlationKeys({ executionArn: 5, functionArn: 'arn' })).toEqual({ functionArn: 'arn' });
      expect(correlationKeys(null)).toEqual({});
      expect(correlationKeys('event')).toEqual({});
    });
  });
});
