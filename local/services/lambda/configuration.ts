import { createHash } from 'node:crypto';
import type { DeployedFunction } from '../../types.js';

const STATE_REASONS: Partial<Record<DeployedFunction['state'], { reason: string; code: string }>> = {
  Pending: { reason: 'The function is being created.', code: 'Creating' },
  Inactive: {
    reason: 'The function is inactive and its resources were reclaimed after a period of inactivity.',
    code: 'Idle',
  },
  Failed: { reason: 'The function could not be created. Deploy it again.', code: 'InternalError' },
};

const UPDATE_REASONS: Partial<
  Record<DeployedFunction['lastUpdateStatus'], { reason: string; code: string }>
> = {
  InProgress: { reason: 'The function is being updated.', code: 'Updating' },
  Failed: { reason: 'The last update of the function failed. Deploy it again.', code: 'InternalError' },
};

/**
 * FunctionConfiguration as GetFunction, GetFunctionConfiguration and ListFunctions answer it, for
 * $LATEST (the only version the emulation has).
 */
export function functionConfiguration(fn: DeployedFunction, revisionId: string): Record<string, unknown> {
  const state = STATE_REASONS[fn.state];
  const update = UPDATE_REASONS[fn.lastUpdateStatus];
  return {
    FunctionName: fn.name,
    FunctionArn: fn.arn,
    Runtime: fn.runtime,
    Role: fn.role,
    Handler: fn.handler,
    CodeSize: fn.codeSize,
    Description: '',
    Timeout: fn.timeoutSeconds,
    MemorySize: fn.memorySize,
    LastModified: fn.lastModified,
    CodeSha256: fn.codeSha256,
    Version: '$LATEST',
    ...(Object.keys(fn.environment).length > 0 ? { Environment: { Variables: { ...fn.environment } } } : {}),
    TracingConfig: { Mode: 'PassThrough' },
    RevisionId: revisionId,
    State: fn.state,
    ...(state ? { StateReason: state.reason, StateReasonCode: state.code } : {}),
    LastUpdateStatus: fn.lastUpdateStatus,
    ...(update ? { LastUpdateStatusReason: update.reason, LastUpdateStatusReasonCode: update.code } : {}),
    PackageType: 'Zip',
    Architectures: ['x86_64'],
    EphemeralStorage: { Size: 512 },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    RuntimeVersionConfig: {
      RuntimeVersionArn: `arn:aws:lambda:${fn.region}::runtime:${createHash('sha256').update(fn.runtime).digest('hex')}`,
    },
    LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${fn.name}` },
  };
}

/** Code.Location of GetFunction: where Lambda would let you download the deployment package. */
export function codeLocation(fn: DeployedFunction): { RepositoryType: 'S3'; Location: string } {
  const digest = Buffer.from(fn.codeSha256, 'base64').toString('hex').slice(0, 32);
  return {
    RepositoryType: 'S3',
    Location: `https://awslambda-${fn.region}-tasks.s3.${fn.region}.amazonaws.com/snapshots/${fn.accountId}/${fn.name}-${digest}`,
  };
}
