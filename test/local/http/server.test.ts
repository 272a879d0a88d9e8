import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import {
  AppflowClient,
  AppflowServiceException,
  ConflictException,
  DescribeConnectorCommand,
  ListConnectorsCommand,
  RegisterConnectorCommand,
} from '@aws-sdk/client-appflow';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import {
  EventBridgeClient,
  ResourceNotFoundException as EventsNotFound,
  PutEventsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  GetFunctionCommand,
  InvokeCommand,
  LambdaClient,
  ResourceNotFoundException as LambdaNotFound,
} from '@aws-sdk/client-lambda';
import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  SFNClient,
  SFNServiceException,
} from '@aws-sdk/client-sfn';
import {
  AssumeRoleCommand,
  ExpiredTokenException,
  GetCallerIdentityCommand,
  STSClient,
  STSServiceException,
} from '@aws-sdk/client-sts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AwsServer, type ServerLogEntry, startAwsServer } from '../../../local/http/server.js';
import { LocalIdentityRegistry } from '../../../local/identity.js';
import { awsError, type StubService, stubService } from './stubs.js';

const HUB = '111111111111';
let clock = Date.parse('2026-11-27T08:00:00Z');
const identity = new LocalIdentityRegistry(HUB, { now: () => clock });
const logged: ServerLogEntry[] = [];

const appflow = stubService('appflow', 'rest-json');
const lambda = stubService('lambda', 'rest-json');
const sts = stubService('sts', 'query');
const states = stubService('states', 'aws-json-1.0');
const events = stubService('events', 'aws-json-1.1');
const stubs: StubService[] = [appflow, lambda, sts, states, events];

let server: AwsServer;
let upstream: Server;
let upstreamPort: number;
const upstreamRequests: { url?: string; authorization?: string; body: string }[] = [];

beforeAll(async () => {
  upstream = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      upstreamRequests.push({ url: request.url, authorization: request.headers.authorization, body });
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify({ TableNames: ['from-upstream'] }));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamPort = (upstream.address() as { port: number }).port;
  server = await startAwsServer({
    services: stubs,
    identity,
    port: 0,
    proxies: { dynamodb: { port: upstreamPort } },
    log: (entry) => logged.push(entry),
  });
});

afterAll(async () => {
  await server.close();
  await new Promise((resolve) => upstream.close(resolve));
});

afterEach(() => {
  for (const stub of stubs) {
    stub.requests.length = 0;
    stub.answers.clear();
  }
  logged.length = 0;
  upstreamRequests.length = 0;
});

function config(accessKeyId = HUB, region = 'eu-west-1') {
  return {
    endpoint: server.endpoint,
    region,
    credentials: { accessKeyId, secretAccessKey: 'local' },
    maxAttempts: 1,
  };
}

/** Removes the signature after the SDK signed, as a hand-written client might. */
function unsigned<T extends { middlewareStack: { addRelativeTo: (...args: never[]) => void } }>(
  client: T,
  authorization?: string,
): T {
  (client.middlewareStack as unknown as { addRelativeTo: (m: unknown, o: unknown) => void }).addRelativeTo(
    (next: (args: unknown) => unknown) => (args: { request: { headers: Record<string, string> } }) => {
      delete args.request.headers.authorization;
      if (authorization !== undefined) args.request.headers.authorization = authorization;
      return next(args);
    },
    { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'strip-signature' },
  );
  return client;
}

describe('startAwsServer', () => {
  describe('routing', () => {
    it('hands each request to the service of its signing name, with the Region of its scope', async () => {
      await new AppflowClient(config(HUB, 'us-east-1')).send(new ListConnectorsCommand({}));
      await new SFNClient(config()).send(
        new DescribeExecutionCommand({ executionArn: 'arn:aws:states:eu-west-1:111111111111:execution:m:e' }),
      );

      expect(appflow.requests).toHaveLength(1);
      expect(appflow.requests[0]).toMatchObject({
        service: 'appflow',
        region: 'us-east-1',
        method: 'POST',
        path: '/list-connectors',
      });
      expect(states.requests).toHaveLength(1);
      expect(states.requests[0]).toMatchObject({ service: 'states', region: 'eu-west-1' });
      expect(events.requests).toHaveLength(0);
    });

    it('resolves the caller from the access key of the scope', async () => {
      const answer = await new STSClient(config('222222222222')).send(new GetCallerIdentityCommand({}));

      expect(sts.requests[0]?.caller).toEqual({
        accountId: '222222222222',
        principalArn: 'arn:aws:iam::222222222222:root',
      });
      expect(sts.requests[0]?.accessKeyId).toBe('222222222222');
      expect(answer).toMatchObject({ Account: '222222222222', Arn: 'arn:aws:iam::222222222222:root' });
    });

    it('reads the scope of a presigned request from X-Amz-Credential', async () => {
      const query = new URLSearchParams({
        Action: 'GetCallerIdentity',
        Version: '2011-06-15',
        'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
        'X-Amz-Credential': '333333333333/20261127/eu-west-1/sts/aws4_request',
        'X-Amz-Signature': 'f'.repeat(64),
      });
      const response = await fetch(`${server.endpoint}/?${query}`);

      expect(response.status).toBe(200);
      expect(await response.text()).toContain('<Account>333333333333</Account>');
      expect(sts.requests[0]?.caller.accountId).toBe('333333333333');
    });

    it('forwards a proxied signing name raw to its port and its answer back', async () => {
      const answer = await new DynamoDBClient(config()).send(new ListTablesCommand({}));

      expect(answer.TableNames).toEqual(['from-upstream']);
      expect(upstreamRequests).toHaveLength(1);
      expect(upstreamRequests[0]?.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=111111111111\/\d{8}\/eu-west-1\/dynamodb\//,
      );
      expect(JSON.parse(upstreamRequests[0]?.body ?? '')).toEqual({});
    });

    it('keeps connections alive', async () => {
      const response = await fetch(`${server.endpoint}/`, { method: 'POST' });

      expect(response.headers.get('connection')).toBe('keep-alive');
    });
  });

  describe('errors of services, in their protocol', () => {
    it('rest-json: the SDK raises the modeled class with its message and status', async () => {
      appflow.answers.set('POST /register-connector', awsError(409, 'ConflictException', 'label taken'));

      const error = await new AppflowClient(config())
        .send(new RegisterConnectorCommand({ connectorLabel: 'x1', connectorProvisioningType: 'LAMBDA' }))
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(ConflictException);
      expect(error).toMatchObject({
        message: 'label taken',
        $fault: 'client',
        $metadata: { httpStatusCode: 409 },
      });
    });

    it('rest-json (Lambda): ResourceNotFoundException', async () => {
      lambda.answers.set(
        'GET /2015-03-31/functions/missing',
        awsError(404, 'ResourceNotFoundException', 'Function not found: missing'),
      );

      const error = await new LambdaClient(config())
        .send(new GetFunctionCommand({ FunctionName: 'missing' }))
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(LambdaNotFound);
      expect(error).toMatchObject({ message: 'Function not found: missing' });
    });

    it('aws-json-1.0: the SDK raises the modeled class', async () => {
      states.answers.set(
        'DescribeExecution',
        awsError(400, 'ExecutionDoesNotExist', 'Execution does not exist'),
      );

      const error = await new SFNClient(config())
        .send(
          new DescribeExecutionCommand({
            executionArn: 'arn:aws:states:eu-west-1:111111111111:execution:m:e',
          }),
        )
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(ExecutionDoesNotExist);
      expect(error).toMatchObject({
        message: 'Execution does not exist',
        $metadata: { httpStatusCode: 400 },
      });
    });

    it('aws-json-1.1: the SDK raises the modeled class', async () => {
      events.answers.set(
        'PutEvents',
        awsError(400, 'ResourceNotFoundException', 'Event bus nope does not exist.'),
      );

      const error = await new EventBridgeClient(config())
        .send(
          new PutEventsCommand({
            Entries: [{ Source: 's', DetailType: 'd', Detail: '{}', EventBusName: 'nope' }],
          }),
        )
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(EventsNotFound);
      expect(error).toMatchObject({ message: 'Event bus nope does not exist.' });
    });

    it('query: an unmodeled code arrives as the service exception named by the code', async () => {
      sts.answers.set('AssumeRole', awsError(403, 'AccessDenied', 'not authorized'));

      const error = await new STSClient(config())
        .send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::222222222222:role/R', RoleSessionName: 'test' }))
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(STSServiceException);
      expect(error).toMatchObject({
        name: 'AccessDenied',
        message: 'not authorized',
        $metadata: { httpStatusCode: 403 },
      });
    });

    it('query: an expired issued key is ExpiredTokenException, the modeled class', async () => {
      const issued = identity.issue({ accountId: HUB, principalArn: `arn:aws:iam::${HUB}:root` }, 900);
      clock += 901_000;

      const credentials = {
        accessKeyId: issued.accessKeyId,
        secretAccessKey: issued.secretAccessKey,
        sessionToken: issued.sessionToken,
      };
      const error = await new STSClient({ ...config(), credentials })
        .send(new GetCallerIdentityCommand({}))
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(ExpiredTokenException);
      expect(sts.requests).toHaveLength(0);
    });

    it('answers 500 InternalFailure for an unexpected exception, logs it, and keeps serving', async () => {
      appflow.answers.set('POST /describe-connector', new TypeError('cannot read properties of undefined'));

      const error = await new AppflowClient(config())
        .send(new DescribeConnectorCommand({ connectorType: 'CustomConnector', connectorLabel: 'x' }))
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(AppflowServiceException);
      expect(error).toMatchObject({
        name: 'InternalFailure',
        $fault: 'server',
        $metadata: { httpStatusCode: 500 },
      });
      expect((error as Error).message).toContain('cannot read properties of undefined');
      expect(logged).toEqual([
        expect.objectContaining({ level: 'error', service: 'appflow', error: expect.any(TypeError) }),
      ]);
      await expect(new AppflowClient(config()).send(new ListConnectorsCommand({}))).resolves.toBeDefined();
    });
  });

  describe('requests no service may take', () => {
    it('answers a request without signature with MissingAuthenticationTokenException (JSON)', async () => {
      const error = await unsigned(new SFNClient(config()))
        .send(
          new DescribeExecutionCommand({
            executionArn: 'arn:aws:states:eu-west-1:111111111111:execution:m:e',
          }),
        )
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(SFNServiceException);
      expect(error).toMatchObject({
        name: 'MissingAuthenticationTokenException',
        $metadata: { httpStatusCode: 403 },
      });
      expect(states.requests).toHaveLength(0);
    });

    it('answers a request without signature with MissingAuthenticationToken (query)', async () => {
      const error = await unsigned(new STSClient(config()))
        .send(new GetCallerIdentityCommand({}))
        .catch((e: unknown) => e);

      expect(error).toMatchObject({
        name: 'MissingAuthenticationToken',
        message: 'Request is missing Authentication Token',
      });
      expect(error).toMatchObject({ $metadata: { httpStatusCode: 403 } });
    });

    it('answers a request without signature with MissingAuthenticationTokenException (rest-json)', async () => {
      const error = await unsigned(new AppflowClient(config()))
        .send(new ListConnectorsCommand({}))
        .catch((e: unknown) => e);

      expect(error).toMatchObject({
        name: 'MissingAuthenticationTokenException',
        message: 'Missing Authentication Token',
      });
    });

    it('answers a malformed Authorization with IncompleteSignatureException, naming what is missing', async () => {
      const error = await unsigned(new AppflowClient(config()), 'AWS4-HMAC-SHA256 Credential=abc')
        .send(new ListConnectorsCommand({}))
        .catch((e: unknown) => e);

      expect(error).toMatchObject({
        name: 'IncompleteSignatureException',
        $metadata: { httpStatusCode: 403 },
      });
      expect((error as Error).message).toContain("Authorization header requires 'SignedHeaders' parameter.");
    });

    it('answers an Authorization of another scheme with IncompleteSignature (query, 400)', async () => {
      const error = await unsigned(new STSClient(config()), 'Bearer abc')
        .send(new GetCallerIdentityCommand({}))
        .catch((e: unknown) => e);

      expect(error).toMatchObject({ name: 'IncompleteSignature', $metadata: { httpStatusCode: 400 } });
    });

    it('answers a signing name it does not serve with UnknownServiceException 400, listing what it serves', async () => {
      const isolated = await startAwsServer({
        services: stubs,
        identity,
        port: 0,
        log: (entry) => logged.push(entry),
      });
      try {
        const error = await new DynamoDBClient({ ...config(), endpoint: isolated.endpoint })
          .send(new ListTablesCommand({}))
          .catch((e: unknown) => e);

        expect(error).toMatchObject({ name: 'UnknownServiceException', $metadata: { httpStatusCode: 400 } });
        expect((error as Error).message).toContain(
          'does not serve "dynamodb"; it serves appflow, events, lambda, states, sts',
        );
      } finally {
        await isolated.close();
      }
    });

    it('answers 503 ServiceUnavailable when a proxied port does not answer', async () => {
      const isolated = await startAwsServer({
        services: [],
        identity,
        port: 0,
        proxies: { dynamodb: { port: 1 } },
        log: (entry) => logged.push(entry),
      });
      try {
        const error = await new DynamoDBClient({ ...config(), endpoint: isolated.endpoint })
          .send(new ListTablesCommand({}))
          .catch((e: unknown) => e);

        expect(error).toMatchObject({ name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } });
      } finally {
        await isolated.close();
      }
    });
  });

  describe('garbage', () => {
    it('answers a body over 10 MB with 413 and keeps serving', async () => {
      const error = await new LambdaClient(config())
        .send(new InvokeCommand({ FunctionName: 'f', Payload: Buffer.alloc(10 * 1024 * 1024 + 1, 0x61) }))
        .catch((e: unknown) => e);

      expect(error).toMatchObject({
        name: 'RequestEntityTooLargeException',
        $metadata: { httpStatusCode: 413 },
      });
      expect(lambda.requests).toHaveLength(0);
      await expect(
        new LambdaClient(config()).send(new GetFunctionCommand({ FunctionName: 'f' })),
      ).resolves.toBeDefined();
    });

    it('answers a malformed JSON body that breaks a service with 500 InternalFailure, not a crash', async () => {
      const response = await fetch(`${server.endpoint}/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'AWSStepFunctions.DescribeExecution',
          authorization:
            'AWS4-HMAC-SHA256 Credential=111111111111/20261127/eu-west-1/states/aws4_request, SignedHeaders=host, Signature=abc',
        },
        body: '{"executionArn": ',
      });

      expect(response.status).toBe(500);
      expect(await response.json()).toMatchObject({ __type: 'InternalFailure' });
      expect(logged).toHaveLength(1);
    });

    it('answers bytes that are not HTTP with 400 and keeps serving', async () => {
      const reply = await new Promise<string>((resolve, reject) => {
        const socket = connect(server.port, '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
        let text = '';
        socket.on('data', (chunk) => {
          text += chunk;
        });
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });

      expect(reply).toMatch(/^HTTP\/1\.1 400/);
      await expect(new STSClient(config()).send(new GetCallerIdentityCommand({}))).resolves.toBeDefined();
    });
  });
});
