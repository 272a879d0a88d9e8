import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';

export interface WindowDependencies {
  dynamodb: DynamoDBDocumentClient;
  tableName: string;
  /** How long after an alert the same key only counts; 0 is never called (every failure alerts). */
  windowMinutes: number;
}

/** This failure opens a new window: alert, saying how many were folded since the previous alert. */
export interface Opened {
  decision: 'alert';
  /** Failures of the key counted, not alerted, since the previous alert. */
  folded: number;
  /** When the previous alert of the key went out (ISO 8601), if the table still knows. */
  previousAlertAt?: string;
}

export type WindowDecision = Opened | { decision: 'fold' };

/**
 * The item outlives its window by a week, so failures folded at the end of a window are still
 * counted in the alert that opens the next one after a quiet weekend; TTL then removes it.
 */
const KEPT_AFTER_WINDOW_SECONDS = 7 * 24 * 3600;
/** Opening and folding can race a window's end; each attempt after the first follows such a race. */
const ATTEMPTS = 3;

const NAMES = {
  '#windowEndsAt': 'windowEndsAt',
  '#lastAlertAt': 'lastAlertAt',
  '#openedBy': 'openedBy',
  '#folded': 'folded',
  '#expiration': 'expiration',
};

/**
 * Decides whether a failure alerts, with one conditional write to the key's item: it opens a new
 * window when none is open (the item's previous count goes into the alert), else it adds itself to
 * the open window's count. Concurrent failures of one key agree, as DynamoDB applies one write at a
 * time: exactly one of them opens the window.
 *
 * @example const decision = await decide(deps, alertKey(detail), event.id, new Date())
 */
export async function decide(
  deps: WindowDependencies,
  key: string,
  eventId: string,
  now: Date,
): Promise<WindowDecision> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const opened = await tryOpen(deps, key, eventId, now);
    if (opened !== undefined) return opened;
    if (await tryFold(deps, key, now)) return { decision: 'fold' };
  }
  throw new Error(
    `The alert window ${key} kept opening and closing under this failure; Lambda retries the event.`,
  );
}

async function tryOpen(
  deps: WindowDependencies,
  key: string,
  eventId: string,
  now: Date,
): Promise<Opened | undefined> {
  const windowEndsAt = now.getTime() + deps.windowMinutes * 60_000;
  try {
    const answer = await deps.dynamodb.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: { id: key },
        UpdateExpression:
          'SET #windowEndsAt = :windowEndsAt, #lastAlertAt = :now, #openedBy = :eventId, #folded = :zero, #expiration = :expiration',
        // The same event may open its window again: Lambda retries an event whose invocation opened
        // the window and then died before publishing, and folding that retry would lose the alert.
        ConditionExpression:
          'attribute_not_exists(#windowEndsAt) OR #windowEndsAt <= :nowMs OR #openedBy = :eventId',
        ExpressionAttributeNames: NAMES,
        ExpressionAttributeValues: {
          ':windowEndsAt': windowEndsAt,
          ':now': now.toISOString(),
          ':nowMs': now.getTime(),
          ':eventId': eventId,
          ':zero': 0,
          ':expiration': Math.ceil(windowEndsAt / 1000) + KEPT_AFTER_WINDOW_SECONDS,
        },
        ReturnValues: 'ALL_OLD',
      }),
    );
    const previous = answer.Attributes ?? {};
    // Reopened by its own retry: the lastAlertAt it wrote names an alert that never went out.
    const alerted = typeof previous.lastAlertAt === 'string' && previous.openedBy !== eventId;
    return {
      decision: 'alert',
      folded: typeof previous.folded === 'number' ? previous.folded : 0,
      ...(alerted ? { previousAlertAt: previous.lastAlertAt } : {}),
    };
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}

async function tryFold(deps: WindowDependencies, key: string, now: Date): Promise<boolean> {
  try {
    await deps.dynamodb.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: { id: key },
        UpdateExpression: 'ADD #folded :one',
        ConditionExpression: '#windowEndsAt > :nowMs',
        ExpressionAttributeNames: { '#folded': 'folded', '#windowEndsAt': 'windowEndsAt' },
        ExpressionAttributeValues: { ':one': 1, ':nowMs': now.getTime() },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/**
 * Undoes the window a failure opened when its alert could not be published: the window closes and
 * its count goes back, so Lambda's retry of the event opens it again and alerts with the same count
 * instead of folding into a window whose alert never went out. Only the failure that opened it may.
 *
 * @example await reopen(deps, key, event.id, opened)
 */
export async function reopen(
  deps: WindowDependencies,
  key: string,
  eventId: string,
  opened: Opened,
): Promise<void> {
  const previous = opened.previousAlertAt;
  await deps.dynamodb.send(
    new UpdateCommand({
      TableName: deps.tableName,
      Key: { id: key },
      // openedBy goes too: the window this event opened never alerted, so nothing is its to reopen.
      UpdateExpression: `SET #windowEndsAt = :closed${previous !== undefined ? ', #lastAlertAt = :previous' : ''} ADD #folded :folded REMOVE #openedBy${previous === undefined ? ', #lastAlertAt' : ''}`,
      ConditionExpression: '#openedBy = :eventId',
      ExpressionAttributeNames: {
        '#windowEndsAt': 'windowEndsAt',
        '#lastAlertAt': 'lastAlertAt',
        '#openedBy': 'openedBy',
        '#folded': 'folded',
      },
      ExpressionAttributeValues: {
        ':closed': 0,
        ':folded': opened.folded,
        ':eventId': eventId,
        ...(previous !== undefined ? { ':previous': previous } : {}),
      },
    }),
  );
}

function isConditionFailure(error: unknown): boolean {
  return (error as Error)?.name === 'ConditionalCheckFailedException';
}
