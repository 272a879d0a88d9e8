import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorld } from '../../../local/world/load.js';
import { FIXTURES, MODULE, problemsOf, useVariants } from './support.js';

const VALID = join(FIXTURES, 'valid.json');
/** The valid world with one change, written to a temporary file (handlers made absolute so they still resolve). */
const { variant, dir: tmp } = useVariants(VALID);

describe('loadWorld', () => {
  describe('a valid file', () => {
    const world = loadWorld(VALID);
    const hub = world.accounts[0];
    const defaults = hub?.functions[0];

    it('returns the absolute path of the file and its accounts', () => {
      expect(world.path).toBe(VALID);
      expect(world.hub).toEqual({ accountId: '111111111111', regions: ['eu-west-1', 'us-east-1'] });
      expect(world.accounts.map((account) => account.accountId)).toEqual([
        '111111111111',
        '222222222222',
        '999999999999',
      ]);
    });

    it('applies the defaults: in the organization, Active, Successful, 3 s, no tags', () => {
      expect(hub?.inOrganization).toBe(true);
      expect(world.accounts[2]?.inOrganization).toBe(false);
      expect(defaults).toMatchObject({ state: 'Active', lastUpdateStatus: 'Successful', timeoutSeconds: 3 });
      expect(world.accounts[1]?.functions[0]?.tags).toEqual({});
    });

    it('resolves the handler relative to the world file, with its export', () => {
      expect(defaults).toMatchObject({
        modulePath: MODULE,
        exportName: 'handler',
        handler: 'handlers/connector.mjs#handler',
      });
      expect(defaults?.arn).toBe('arn:aws:lambda:eu-west-1:111111111111:function:defaults-connector');
    });

    it('computes codeSha256 and codeSize from the handler file, unless given', () => {
      const bytes = readFileSync(MODULE);
      expect(defaults?.codeSha256).toBe(createHash('sha256').update(bytes).digest('base64'));
      expect(defaults?.codeSize).toBe(bytes.length);
      expect(hub?.functions[1]?.codeSha256).toBe('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
    });

    it('expands the default "appflow" policy to the statement lambda add-permission writes', () => {
      expect(defaults?.policy).toEqual([
        {
          Sid: 'AppFlowConnectorInvoke',
          Effect: 'Allow',
          Principal: { Service: 'appflow.amazonaws.com' },
          Action: 'lambda:InvokeFunction',
          Resource: 'arn:aws:lambda:eu-west-1:111111111111:function:defaults-connector',
          Condition: {
            StringEquals: { 'AWS:SourceAccount': '111111111111' },
            ArnLike: { 'AWS:SourceArn': 'arn:aws:appflow:eu-west-1:111111111111:*' },
          },
        },
      ]);
    });

    it('keeps explicit statements and maps "none" to no policy', () => {
      expect(hub?.functions[1]?.policy[0]?.Sid).toBe('any-appflow');
      expect(hub?.functions[2]?.policy).toEqual([]);
    });

    it('keeps the spoke parameter overrides, deploys the spoke in organization accounts only, and gives pre-registered connectors their Lambda ARN', () => {
      expect(world.accounts[1]?.spoke).toEqual({ parameters: { ExternalId: 'landing-zone-1' } });
      expect(hub?.spoke).toEqual({ parameters: {} });
      expect(world.accounts.find((account) => !account.inOrganization)?.spoke ?? false).toBe(false);
      expect(hub?.connectors).toEqual([
        {
          label: 'old-registration',
          region: 'eu-west-1',
          functionName: 'defaults-connector',
          lambdaArn: defaults?.arn,
        },
        {
          label: 'dated-registration',
          region: 'us-east-1',
          functionName: 'explicit-connector',
          lambdaArn: 'arn:aws:lambda:us-east-1:111111111111:function:explicit-connector',
          description: 'Registered by hand',
          registeredAt: '2026-11-01T10:00:00Z',
        },
      ]);
      expect(world.accounts[1]?.connectors).toEqual([]);
    });
  });

  describe('the default world of the repository', () => {
    it('loads', () => {
      const world = loadWorld(resolve(import.meta.dirname, '../../../local/worlds/default.json'));

      expect(world.hub.accountId).toBe('111111111111');
      expect(world.accounts.flatMap((account) => account.functions).every((fn) => fn.codeSize > 0)).toBe(
        true,
      );
    });
  });

  describe('a file that cannot be read', () => {
    it('names the file when it is missing', () => {
      expect(problemsOf(join(tmp, 'absent.json'))[0]).toMatch(/^cannot be read: ENOENT/);
    });

    it('names the line and column of a JSON syntax error', () => {
      expect(problemsOf(join(FIXTURES, 'not-json.txt'))[0]).toMatch(/^is not valid JSON: line 2, column 1:/);
    });
  });

  describe('accounts and the hub', () => {
    it('refuses account ids that are not 12 digits, naming the JSON path', () => {
      const file = variant((w) => {
        w.accounts[1].accountId = '2222';
      });
      expect(problemsOf(file)).toEqual([
        'accounts[1].accountId: "2222" is not valid; expected a 12-digit account id',
      ]);
    });

    it('refuses an account listed twice', () => {
      const file = variant((w) => {
        w.accounts[2].accountId = '222222222222';
      });
      expect(problemsOf(file)).toContain(
        'accounts[2].accountId: "222222222222" is listed twice (also at accounts[1]); each account appears once',
      );
    });

    it('refuses a hub account that is not listed, or outside the organization', () => {
      expect(
        problemsOf(
          variant((w) => {
            w.hub.accountId = '555555555555';
          }),
        ),
      ).toEqual([
        'hub.accountId: "555555555555" is not one of accounts[].accountId; list the hub account under accounts',
      ]);
      expect(
        problemsOf(
          variant((w) => {
            w.accounts[0].inOrganization = false;
          }),
        )[0],
      ).toMatch(/^hub\.accountId: the hub account .* inOrganization false/);
    });

    it('refuses empty hub Regions and Regions that do not exist', () => {
      expect(
        problemsOf(
          variant((w) => {
            w.hub.regions = [];
          }),
        ),
      ).toEqual(['hub.regions: is empty; list at least one Region (the first is the default)']);
      expect(
        problemsOf(
          variant((w) => {
            w.hub.regions = ['eu-west-1', 'eu-west-9'];
          }),
        ),
      ).toEqual([
        'hub.regions[1]: "eu-west-9" is not a Region of the aws partition; expected e.g. eu-west-1 or us-east-1',
      ]);
    });

    it('refuses unknown fields, listing the allowed ones', () => {
      const file = variant((w) => {
        w.accounts[1].spoke.role = 'AppFlowConnectorRegistrar';
      });
      expect(problemsOf(file)).toEqual(['accounts[1].spoke.role: unknown field; expected one of parameters']);
    });

    it('refuses a bad organization id and a spoke parameter that is not text', () => {
      const file = variant((w) => {
        w.organizationId = 'org-1';
        w.accounts[1].spoke.parameters.ExternalId = 42;
      });
      expect(problemsOf(file)).toEqual([
        'organizationId: "org-1" is not valid; expected an AWS Organizations id: o- and 10 to 32 lowercase letters or digits',
        'accounts[1].spoke.parameters.ExternalId: expected text; got number 42',
      ]);
    });
  });

  describe('functions', () => {
    it('refuses invalid names, and a name used twice in one account and Region', () => {
      const file = variant((w) => {
        w.accounts[0].functions[0].name = 'bad name';
        w.accounts[0].functions[2].name = 'explicit-connector';
        w.accounts[0].functions[2].region = 'us-east-1';
      });
      expect(problemsOf(file)).toEqual([
        'accounts[0].functions[0].name: "bad name" is not valid; expected a Lambda function name: 1 to 64 letters, digits, - or _',
        'accounts[0].functions[2].name: "explicit-connector" is already a function of this account in us-east-1 (functions[1]); names are unique per account and Region',
        // The connector that pointed at the renamed function now points at nothing.
        'accounts[0].connectors[0].functionName: no function "defaults-connector" in account 111111111111 and eu-west-1; list it under functions, in the same Region, or set functionDeleted',
      ]);
    });

    it('allows the same name in two Regions', () => {
      const file = variant((w) => {
        w.accounts[0].functions[2].name = 'defaults-connector';
        w.accounts[0].functions[2].region = 'us-east-1';
      });
      expect(loadWorld(file).accounts[0]?.functions.map((fn) => fn.arn)).toContain(
        'arn:aws:lambda:us-east-1:111111111111:function:defaults-connector',
      );
    });

    it('refuses a handler without #export, and one whose module does not exist', () => {
      const file = variant((w) => {
        w.accounts[0].functions[0].handler = 'handlers/connector.mjs';
        w.accounts[0].functions[2].handler = 'nowhere/connector.ts#handler';
      });
      const problems = problemsOf(file);
      expect(problems[0]).toBe(
        'accounts[0].functions[0].handler: "handlers/connector.mjs" should be "<module path>#<export>", e.g. "../../examples/connectors/healthy.ts#handler"',
      );
      expect(problems[1]).toBe(
        `accounts[0].functions[2].handler: the module ${join(tmp, 'nowhere/connector.ts')} does not exist or is not a file; paths are relative to the world file's folder`,
      );
    });

    it('refuses tags beyond Lambda limits', () => {
      const file = variant((w) => {
        w.accounts[0].functions[0].tags = { 'aws:reserved': 'x', 'k!': 'v', long: 'v'.repeat(257), n: 5 };
        w.accounts[0].functions[1].tags = Object.fromEntries(
          Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']),
        );
      });
      expect(problemsOf(file)).toEqual([
        'accounts[0].functions[0].tags["aws:reserved"]: tag keys starting with aws: are reserved for AWS',
        'accounts[0].functions[0].tags["k!"]: tag keys are 1 to 128 letters, digits, spaces or _ . : / = + - @',
        'accounts[0].functions[0].tags["long"]: tag values are at most 256 letters, digits, spaces or _ . : / = + - @',
        'accounts[0].functions[0].tags["n"]: expected a string value; got number 5',
        'accounts[0].functions[1].tags: has 51 tags; Lambda allows at most 50 per function',
      ]);
    });

    it('refuses bad states, timeouts and code hashes', () => {
      const file = variant((w) => {
        Object.assign(w.accounts[0].functions[0], {
          state: 'Running',
          lastUpdateStatus: 'Done',
          timeoutSeconds: 901,
          codeSha256: 'abc',
        });
      });
      expect(problemsOf(file)).toEqual([
        'accounts[0].functions[0].state: expected one of Pending, Active, Inactive, Failed; got "Running"',
        'accounts[0].functions[0].lastUpdateStatus: expected one of Successful, InProgress, Failed; got "Done"',
        'accounts[0].functions[0].codeSha256: "abc" is not valid; expected the base64 SHA-256 of the code: 43 characters and =',
        'accounts[0].functions[0].timeoutSeconds: expected a whole number of seconds from 1 to 900, as Lambda allows; got number 901',
      ]);
    });

    it('refuses policy forms other than "appflow", "none" or statements', () => {
      const file = variant((w) => {
        w.accounts[0].functions[0].policy = 'open';
        w.accounts[0].functions[1].policy = [
          { Sid: 'a', Effect: 'Permit', Principal: {}, Action: 'lambda:InvokeFunction', Resource: '*' },
          {
            Sid: 'a',
            Effect: 'Allow',
            Principal: { Service: 'appflow.amazonaws.com' },
            Action: 'lambda:InvokeFunction',
            Resource: '*',
            Condition: { StringEquals: { k: 1 } },
          },
        ];
      });
      expect(problemsOf(file)).toEqual(
        expect.arrayContaining([
          'accounts[0].functions[0].policy: expected "appflow", "none" or a list of resource policy statements; got "open"',
          'accounts[0].functions[1].policy[0].Effect: expected one of Allow, Deny; got "Permit"',
          'accounts[0].functions[1].policy[0].Principal: expected { "Service": "appflow.amazonaws.com" } or { "AWS": "<account or ARN>" }',
          'accounts[0].functions[1].policy[1].Condition.StringEquals: expected an object of condition keys to string values',
        ]),
      );
    });
  });

  describe('pre-registered connectors', () => {
    it('refuses a connector whose function is not in its account and Region', () => {
      const file = variant((w) => {
        w.accounts[0].connectors[1].region = 'eu-west-1';
      });
      expect(problemsOf(file)).toEqual([
        'accounts[0].connectors[1].functionName: no function "explicit-connector" in account 111111111111 and eu-west-1; list it under functions, in the same Region, or set functionDeleted',
      ]);
    });

    it('refuses labels AppFlow refuses, and a label registered twice in one Region', () => {
      const file = variant((w) => {
        w.accounts[0].connectors[0].label = 'bad label';
        w.accounts[0].connectors.push({
          label: 'dated-registration',
          region: 'us-east-1',
          functionName: 'explicit-connector',
        });
      });
      expect(problemsOf(file)).toEqual([
        'accounts[0].connectors[0].label: "bad label" is not valid; expected an AppFlow connector label: 2 to 256 characters, starting with a letter or digit, then letters, digits or _ ! @ # . -',
        'accounts[0].connectors[2].label: "dated-registration" is already registered in us-east-1 (connectors[1]); labels are unique per account and Region',
      ]);
    });

    it('keeps a registration whose function was deleted, with the ARN the function had', () => {
      const file = variant((w) => {
        w.accounts[0].connectors.push({
          label: 'outlived-registration',
          region: 'eu-west-1',
          functionName: 'deleted-connector',
          functionDeleted: true,
        });
      });
      expect(loadWorld(file).accounts[0]?.connectors[2]).toEqual({
        label: 'outlived-registration',
        region: 'eu-west-1',
        functionName: 'deleted-connector',
        functionDeleted: true,
        lambdaArn: 'arn:aws:lambda:eu-west-1:111111111111:function:deleted-connector',
      });
    });

    it('refuses functionDeleted for a function the world deploys, and one that is not a boolean', () => {
      const file = variant((w) => {
        w.accounts[0].connectors[0].functionDeleted = true;
        w.accounts[0].connectors[1].functionDeleted = 'yes';
      });
      expect(problemsOf(file)).toEqual([
        'accounts[0].connectors[0].functionName: "defaults-connector" is a function of account 111111111111 in eu-west-1, yet functionDeleted says it is gone; remove one of the two',
        'accounts[0].connectors[1].functionDeleted: expected true or false; got "yes"',
      ]);
    });

    it('refuses a registeredAt that is not an ISO 8601 time', () => {
      const file = variant((w) => {
        w.accounts[0].connectors[1].registeredAt = 'yesterday';
      });
      expect(problemsOf(file)).toEqual([
        'accounts[0].connectors[1].registeredAt: "yesterday" is not valid; expected an ISO 8601 time with a zone, e.g. 2026-11-26T08:00:00Z',
      ]);
    });
  });
});
