/**
 * AWS list prices the cost figures use: us-east-1 (N. Virginia), on-demand, no free tier, as
 * published on the AWS pricing pages in 2025–2026 (Step Functions, Lambda, EventBridge and DynamoDB
 * pricing pages). eu-west-1 has the same Step Functions, Lambda and EventBridge prices.
 */
export const PRICES = {
  /** Step Functions Standard: per state transition ($0.025 per 1,000); retries are billed as transitions. */
  stateTransition: 0.025 / 1000,
  /** Lambda: per request ($0.20 per 1M). */
  lambdaRequest: 0.2 / 1_000_000,
  /** Lambda on arm64 (serverless.yml `architecture: arm64`): per GB-second, first 7.5 billion GB-s a month. */
  lambdaGbSecondArm64: 0.0000133334,
  /** EventBridge: custom (and cross-account) events put on a bus, $1.00 per million. */
  eventBridgeEvent: 1 / 1_000_000,
  /** DynamoDB on-demand: per write request unit (1 KB), $0.625 per million. */
  dynamoDbWriteUnit: 0.625 / 1_000_000,
  /** DynamoDB on-demand: per read request unit (one strongly consistent read of up to 4 KB), $0.125 per million. */
  dynamoDbReadUnit: 0.125 / 1_000_000,
} as const;

export const PRICE_NOTES = [
  'Step Functions Standard $0.025 per 1,000 state transitions (billed: each state entered, plus each retry)',
  'Lambda $0.20 per 1M requests + $0.0000133334 per GB-second (arm64, first tier)',
  'EventBridge custom events $1.00 per million (the deploy signal, and the ConnectorRegistered/…Failed event)',
  'DynamoDB on-demand $0.625 per million WRU, $0.125 per million RRU (items < 1 KB: 1 WRU per write, 1 RRU per consistent read)',
  'us-east-1 list prices, no free tier, no Savings Plans; CloudWatch Logs, X-Ray, SNS alert delivery and data transfer not included',
];
