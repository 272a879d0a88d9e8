import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { policyStatements, wildcardGrants } from './template.js';

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/policy-statements.json', import.meta.url), 'utf8'),
) as {
  Resources: unknown;
  expectedWildcards: string[];
};

describe('policyStatements and wildcardGrants (the checks the template tests rely on)', () => {
  describe('finding statements', () => {
    it('finds statements in roles, resource policies and both branches of Fn::If', () => {
      const found = policyStatements({ Resources: fixture.Resources });

      expect(found).toHaveLength(7);
      expect(found.map(({ where }) => where)).toContain(
        'Resources.WildcardRole.Properties.Policies[0].PolicyDocument.Statement[2].Fn::If[1]',
      );
    });
  });

  describe('flagging wildcards', () => {
    it('flags *, service:*, partial wildcards and NotAction in Allow statements only', () => {
      const flagged = wildcardGrants(policyStatements({ Resources: fixture.Resources }));

      expect(flagged).toEqual(fixture.expectedWildcards);
    });
  });
});
