/** Something that works in the background and can say when it has stopped: the events and states services. */
export interface Settleable {
  idle(): Promise<void>;
  busy(): boolean;
}

/**
 * Waits until none of the services has work left. One settles another's work in a loop (an event
 * starts an execution, which publishes an event, which alerts…), so they are waited for in turn until
 * a full pass finds all of them quiet.
 *
 * @example await settle([events, states]);
 */
export async function settle(services: readonly Settleable[]): Promise<void> {
  do {
    for (const service of services) await service.idle();
  } while (services.some((service) => service.busy()));
}
