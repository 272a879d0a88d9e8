import {
  AccessDeniedException,
  ConflictException,
  ConnectorServerException,
  DescribeConnectorCommand,
  DescribeFlowCommand,
  RegisterConnectorCommand,
  ResourceNotFoundException,
  ValidationException,
} from '@aws-sdk/client-appflow';
import { describe, expect, it } from 'vitest';
import {
  answers,
  CONFIGURATION,
  deployed,
  fixture,
  HUB,
  REGION,
  registration,
  rejectionOf,
  SPOKE,
  START,
  useAppFlow,
} from './harness.js';

const h = useAppFlow();

describe('AppFlow RegisterConnector', () => {
  describe('a connector that answers', () => {
    it('registers it under arn:aws:appflow:<region>:<account>:connector/<label>', async () => {
      h.deploy(deployed('healthy'), answers.json(CONFIGURATION));

      const answer = await h
        .client()
        .send(
          new RegisterConnectorCommand(registration('healthy-label', 'healthy', { description: 'Contacts' })),
        );

      expect(answer.connectorArn).toBe(`arn:aws:appflow:${REGION}:${HUB}:connector/healthy-label`);
      expect(h.appflow.connectors(HUB, REGION).map((c) => c.label)).toEqual(['healthy-label']);
      expect(h.appflow.registrations).toEqual([
        expect.objectContaining({
          operation: 'RegisterConnector',
          accountId: HUB,
          region: REGION,
          label: 'healthy-label',
          callerArn: `arn:aws:iam::${HUB}:root`,
        }),
      ]);
    });

    it('invokes the connector once with DescribeConnectorConfigurationRequest', async () => {
      h.deploy(deployed('healthy'), answers.json(CONFIGURATION));

      await h.client().send(new RegisterConnectorCommand(registration('healthy-label', 'healthy')));

      expect(h.runtime.invocations).toEqual([
        {
          accountId: HUB,
          region: REGION,
          functionName: 'healthy',
          payload: '{"type":"DescribeConnectorConfigurationRequest","locale":"en-US"}',
        },
      ]);
      expect(h.appflow.stats.connectorInvocations).toBe(1);
    });

    it('describes it with what the connector answered, in the API field names', async () => {
      h.deploy(deployed('healthy'), answers.json(CONFIGURATION));
      await h
        .client()
        .send(
          new RegisterConnectorCommand(registration('healthy-label', 'healthy', { description: 'Contacts' })),
        );

      const { connectorConfiguration } = await h
        .client()
        .send(
          new DescribeConnectorCommand({ connectorType: 'CustomConnector', connectorLabel: 'healthy-label' }),
        );

      expect(connectorConfiguration).toMatchObject({
        connectorArn: `arn:aws:appflow:${REGION}:${HUB}:connector/healthy-label`,
        connectorLabel: 'healthy-label',
        connectorDescription: 'Contacts',
        connectorType: 'CustomConnector',
        connectorProvisioningType: 'LAMBDA',
        connectorProvisioningConfig: {
          lambda: { lambdaArn: `arn:aws:lambda:${REGION}:${HUB}:function:healthy` },
        },
        connectorOwner: 'Example Corp',
        connectorName: 'ExampleContacts',
        connectorVersion: '2.1.0',
        connectorModes: ['SOURCE', 'DESTINATION'],
        canUseAsSource: true,
        canUseAsDestination: true,
        supportedApiVersions: ['v1'],
        supportedOperators: ['PROJECTION', 'EQUAL_TO'],
        supportedWriteOperations: ['INSERT', 'UPSERT'],
        supportedTriggerTypes: ['OnDemand', 'Scheduled'],
        supportedSchedulingFrequencies: ['DAILY'],
        logoURL: 'https://example.com/logo.png',
        registeredBy: `arn:aws:iam::${HUB}:root`,
        authenticationConfig: {
          isApiKeyAuthSupported: true,
          isOAuth2Supported: true,
          oAuth2Defaults: {
            oauthScopes: ['contacts.read'],
            tokenUrls: ['https://example.com/oauth/token'],
            authCodeUrls: ['https://example.com/oauth/authorize'],
            oauth2GrantTypesSupported: ['CLIENT_CREDENTIALS'],
          },
        },
        connectorRuntimeSettings: [
          {
            key: 'instanceUrl',
            dataType: 'String',
            isRequired: true,
            label: 'Instance URL',
            description: 'Where the contacts API lives',
            scope: 'CONNECTOR_PROFILE',
          },
        ],
      });
      expect(connectorConfiguration?.registeredAt).toEqual(new Date(START));
    });

    it('keeps labels per account and Region', async () => {
      h.deploy(deployed('healthy'), answers.json(CONFIGURATION));
      h.deploy(deployed('healthy', { region: 'us-east-1' }), answers.json(CONFIGURATION));
      h.deploy(deployed('healthy', { accountId: SPOKE }), answers.json(CONFIGURATION));
      const arnIn = (account: string, region: string) =>
        `arn:aws:lambda:${region}:${account}:function:healthy`;
      const input = (account: string, region: string) => ({
        ...registration('same-label', 'healthy'),
        connectorProvisioningConfig: { lambda: { lambdaArn: arnIn(account, region) } },
      });

      await h.client().send(new RegisterConnectorCommand(input(HUB, REGION)));
      await h.client({ region: 'us-east-1' }).send(new RegisterConnectorCommand(input(HUB, 'us-east-1')));
      await h.client({ accessKeyId: SPOKE }).send(new RegisterConnectorCommand(input(SPOKE, REGION)));

      expect(h.appflow.connectors().map((c) => c.connectorArn)).toEqual([
        `arn:aws:appflow:${REGION}:${HUB}:connector/same-label`,
        `arn:aws:appflow:us-east-1:${HUB}:connector/same-label`,
        `arn:aws:appflow:${REGION}:${SPOKE}:connector/same-label`,
      ]);
    });
  });

  describe('validation', () => {
    it('refuses a label outside the model pattern with AWS message', async () => {
      const error = await rejectionOf(
        h.client().send(new RegisterConnectorCommand(registration('bad label', 'healthy'))),
      );

      expect(error).toBeInstanceOf(ValidationException);
      expect(error.message).toBe(
        "1 validation error detected: Value 'bad label' at 'connectorLabel' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9][\\w!@#.-]+",
      );
      expect(error.$metadata?.httpStatusCode).toBe(400);
    });

    it('refuses a description with a Unicode space: the model pattern means Java whitespace', async () => {
      const error = await rejectionOf(
        h
          .client()
          .send(
            new RegisterConnectorCommand(
              registration('ok-label', 'healthy', { description: 'Contacts\u00a0API' }),
            ),
          ),
      );

      expect(error).toBeInstanceOf(ValidationException);
      expect(error.message).toBe(
        "1 validation error detected: Value 'Contacts\u00a0API' at 'description' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\s\\w/!@#+=.-]*",
      );
      expect(h.runtime.invocations).toEqual([]);
    });

    it('accepts tabs and line breaks in a description', async () => {
      h.deploy(deployed('healthy'), answers.json(CONFIGURATION));

      await h
        .client()
        .send(
          new RegisterConnectorCommand(
            registration('ok-label', 'healthy', { description: 'Line one\n\tLine two' }),
          ),
        );

      expect(h.appflow.connectors()[0]?.description).toBe('Line one\n\tLine two');
    });

    it('counts every problem: long label, bad description, missing Lambda config', async () => {
      const error = await rejectionOf(
        h.client().send(
          new RegisterConnectorCommand({
            connectorLabel: `a${'b'.repeat(256)}`,
            description: 'semi;colon',
            connectorProvisioningType: 'LAMBDA',
          }),
        ),
      );

      expect(error).toBeInstanceOf(ValidationException);
      expect(error.message).toMatch(/^3 validation errors detected: /);
      expect(error.message).toContain(
        "at 'connectorLabel' failed to satisfy constraint: Member must have length less than or equal to 256",
      );
      expect(error.message).toContain(
        "Value 'semi;colon' at 'description' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\s\\w/!@#+=.-]*",
      );
      expect(error.message).toContain(
        "Value null at 'connectorProvisioningConfig' failed to satisfy constraint: Member must not be null",
      );
    });

    it('refuses a provisioning type other than LAMBDA, and a missing lambda', async () => {
      const error = await rejectionOf(
        h.client().send(
          new RegisterConnectorCommand({
            connectorLabel: 'ok-label',
            connectorProvisioningType: 'EC2' as 'LAMBDA',
            connectorProvisioningConfig: {},
          }),
        ),
      );

      expect(error).toBeInstanceOf(ValidationException);
      expect(error.message).toContain(
        "Value null at 'connectorProvisioningConfig.lambda' failed to satisfy constraint: Member must not be null",
      );
      expect(error.message).toContain(
        "Value 'EC2' at 'connectorProvisioningType' failed to satisfy constraint: Member must satisfy enum value set: [LAMBDA]",
      );
    });

    it('refuses a lambdaArn outside the pattern and a clientToken that is not printable ASCII', async () => {
      const error = await rejectionOf(
        h.client().send(
          new RegisterConnectorCommand({
            ...registration('ok-label', 'healthy'),
            connectorProvisioningConfig: { lambda: { lambdaArn: 'healthy' } },
            clientToken: 'tökén',
          }),
        ),
      );

      expect(error.message).toContain(
        "Value 'healthy' at 'connectorProvisioningConfig.lambda.lambdaArn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws:.*:.*:[0-9]+:.*",
      );
      expect(error.message).toContain(
        "Value 'tökén' at 'clientToken' failed to satisfy constraint: Member must satisfy regular expression pattern: [ -~]+",
      );
    });

    it('refuses an ARN that is not a Lambda function', async () => {
      const error = await rejectionOf(
        h.client().send(
          new RegisterConnectorCommand({
            ...registration('ok-label', 'healthy'),
            connectorProvisioningConfig: { lambda: { lambdaArn: `arn:aws:sqs:${REGION}:${HUB}:queue` } },
          }),
        ),
      );

      expect(error).toBeInstanceOf(ValidationException);
      expect(error.message).toBe(
        `arn:aws:sqs:${REGION}:${HUB}:queue is not a Lambda function ARN; expected arn:aws:lambda:<region>:<account>:function:<name>.`,
      );
    });

    it('answers SerializationException for a body that is not JSON', async () => {
      const response = await fetch(`${h.server.endpoint}/register-connector`, {
        method: 'POST',
        headers: {
          authorization: `AWS4-HMAC-SHA256 Credential=${HUB}/20261127/${REGION}/appflow/aws4_request, SignedHeaders=host, Signature=0`,
        },
        body: '{"connectorLabel": "x"',
      });

      expect(response.status).toBe(400);
      expect(response.headers.get('x-amzn-errortype')).toBe('SerializationException');
    });
  });

  describe('the label', () => {
    it('answers ConflictException 409 when the label is registered in the account and Region', async () => {
      h.deploy(deployed('healthy'), answers.json(CONFIGURATION));
      h.deploy(deployed('other'), answers.json(CONFIGURATION));
      await h.client().send(new RegisterConnectorCommand(registration('taken', 'healthy')));

      const error = await rejectionOf(
        h.client().send(new RegisterConnectorCommand(registration('taken', 'other'))),
      );

      expect(error).toBeInstanceOf(ConflictException);
      expect(error.$metadata?.httpStatusCode).toBe(409);
      expect(error.message).toBe(
        `A connector with label taken is already registered in account ${HUB} in ${REGION}. Update it with UpdateConnectorRegistration, or unregister it first.`,
      );
      expect(h.appflow.connectors()[0]?.lambdaArn).toBe(`arn:aws:lambda:${REGION}:${HUB}:function:healthy`);
    });

    it('lets only one of two concurrent registrations of a label win', async () => {
      h.deploy(deployed('healthy'), answers.json(CONFIGURATION));
      h.deploy(deployed('other'), answers.json(CONFIGURATION));

      const outcomes = await Promise.allSettled([
        h.client().send(new RegisterConnectorCommand(registration('race', 'healthy'))),
        h.client().send(new RegisterConnectorCommand(registration('race', 'other'))),
      ]);

      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      const rejected = outcomes.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
      expect(rejected.reason).toBeInstanceOf(ConflictException);
      expect(h.appflow.connectors()).toHaveLength(1);
    });
  });

  describe('the function', () => {
    it('answers ResourceNotFoundException 404 when it does not exist in that account and Region', async () => {
      h.deploy(deployed('healthy', { region: 'us-east-1' }), answers.json(CONFIGURATION));

      const error = await rejectionOf(
        h.client().send(new RegisterConnectorCommand(registration('label', 'healthy'))),
      );

      expect(error).toBeInstanceOf(ResourceNotFoundException);
      expect(error.$metadata?.httpStatusCode).toBe(404);
      expect(error.message).toBe(
        `Lambda function arn:aws:lambda:${REGION}:${HUB}:function:healthy does not exist. Deploy the connector function before registering it.`,
      );
      expect(h.runtime.invocations).toHaveLength(0);
    });

    it('answers AccessDeniedException 403 when its policy does not let AppFlow invoke it', async () => {
      h.deploy(deployed('closed', { policy: [] }), answers.json(CONFIGURATION));

      const error = await rejectionOf(
        h.client().send(new RegisterConnectorCommand(registration('label', 'closed'))),
      );

      expect(error).toBeInstanceOf(AccessDeniedException);
      expect(error.$metadata?.httpStatusCode).toBe(403);
      expect(error.message).toContain(
        `Amazon AppFlow is not authorized to invoke Lambda function arn:aws:lambda:${REGION}:${HUB}:function:closed`,
      );
      expect(error.message).toContain(
        `--source-account ${HUB} --source-arn 'arn:aws:appflow:${REGION}:${HUB}:*'`,
      );
      expect(h.runtime.invocations).toHaveLength(0);
    });

    it('refuses a policy for another source account, or a SourceArn of another Region', async () => {
      const arn = `arn:aws:lambda:${REGION}:${HUB}:function:`;
      const statement = (name: string, account: string, region: string) => ({
        Sid: 's',
        Effect: 'Allow' as const,
        Principal: { Service: 'appflow.amazonaws.com' },
        Action: 'lambda:InvokeFunction',
        Resource: `${arn}${name}`,
        Condition: {
          StringEquals: { 'AWS:SourceAccount': account },
          ArnLike: { 'AWS:SourceArn': `arn:aws:appflow:${region}:${account}:*` },
        },
      });
      h.deploy(
        deployed('other-account', { policy: [statement('other-account', SPOKE, REGION)] }),
        answers.json(CONFIGURATION),
      );
      h.deploy(
        deployed('other-region', { policy: [statement('other-region', HUB, 'us-east-1')] }),
        answers.json(CONFIGURATION),
      );

      for (const name of ['other-account', 'other-region']) {
        const error = await rejectionOf(
          h.client().send(new RegisterConnectorCommand(registration(name, name))),
        );
        expect(error).toBeInstanceOf(AccessDeniedException);
      }
    });

    it('allows a statement without conditions, and lets a Deny win over an Allow', async () => {
      const allow = {
        Sid: 'a',
        Effect: 'Allow' as const,
        Principal: { Service: 'appflow.amazonaws.com' },
        Action: 'lambda:*',
        Resource: '*',
      };
      h.deploy(deployed('open', { policy: [allow] }), answers.json(CONFIGURATION));
      h.deploy(
        deployed('denied', { policy: [allow, { ...allow, Sid: 'd', Effect: 'Deny' as const }] }),
        answers.json(CONFIGURATION),
      );

      await expect(
        h.client().send(new RegisterConnectorCommand(registration('open', 'open'))),
      ).resolves.toBeDefined();
      expect(
        await rejectionOf(h.client().send(new RegisterConnectorCommand(registration('denied', 'denied')))),
      ).toBeInstanceOf(AccessDeniedException);
    });
  });

  describe('a connector that fails', () => {
    const cases = [
      [
        'throws',
        answers.error(fixture('function-error.json')),
        "it failed: TypeError: Cannot read properties of undefined (reading 'locale')",
      ],
      ['answers-text', answers.raw('hello'), 'its answer is not JSON: hello'],
      [
        'unsuccessful',
        answers.json(fixture('unsuccessful-answer.json')),
        'it answered isSuccess false (InvalidArgument: locale fr-FR is not supported)',
      ],
      [
        'incomplete',
        answers.json(fixture('incomplete-answer.json')),
        'its DescribeConnectorConfigurationResponse lacks connectorName, connectorVersion, connectorModes (SOURCE and/or DESTINATION)',
      ],
      ['runtime-broken', answers.throws('worker exited'), 'invoking it failed: worker exited'],
    ] as const;

    for (const [name, behaviour, expected] of cases) {
      it(`answers ConnectorServerException when the connector ${name}, with its error`, async () => {
        h.deploy(deployed(name), behaviour);

        const error = await rejectionOf(
          h.client().send(new RegisterConnectorCommand(registration(name, name))),
        );

        expect(error).toBeInstanceOf(ConnectorServerException);
        expect(error.$metadata?.httpStatusCode).toBe(400);
        expect(error.message).toContain(
          `from Lambda function arn:aws:lambda:${REGION}:${HUB}:function:${name}: ${expected}`,
        );
        expect(h.appflow.connectors()).toEqual([]);
      });
    }

    it('answers ConnectorServerException when the connector does not answer in time', async () => {
      h.rebuild({ connectorTimeoutMs: 50 });
      h.deploy(deployed('slow'), answers.never());

      const error = await rejectionOf(
        h.client().send(new RegisterConnectorCommand(registration('slow', 'slow'))),
      );

      expect(error).toBeInstanceOf(ConnectorServerException);
      expect(error.message).toContain('it did not answer within 0.05 seconds');
    });

    it('answers ConnectorServerException when the function is not Active', async () => {
      h.deploy(deployed('pending', { state: 'Pending' }), answers.json(CONFIGURATION));

      const error = await rejectionOf(
        h.client().send(new RegisterConnectorCommand(registration('pending', 'pending'))),
      );

      expect(error).toBeInstanceOf(ConnectorServerException);
      expect(error.message).toContain('the function is Pending; it must be Active to be invoked');
      expect(h.runtime.invocations).toHaveLength(0);
    });
  });

  describe('operations it does not emulate', () => {
    it('answers UnknownOperationException 404, naming the ones it implements', async () => {
      const error = await rejectionOf(h.client().send(new DescribeFlowCommand({ flowName: 'crm-to-s3' })));

      expect(error).toMatchObject({ name: 'UnknownOperationException', $metadata: { httpStatusCode: 404 } });
      expect(error.message).toContain('does not implement POST /describe-flow');
    });
  });
});
