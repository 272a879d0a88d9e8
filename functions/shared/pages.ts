/**
 * Reads a paginated AppFlow listing page by page, at most `maxPages` pages (botocore and the SDK
 * have no AppFlow paginators). `complete` is false when a next page was left unread.
 *
 * @example const { items, complete } = await readPages(10, (nextToken) => listPage(nextToken));
 */
export async function readPages<T>(
  maxPages: number,
  fetchPage: (nextToken: string | undefined) => Promise<{ items: T[] | undefined; nextToken?: string }>,
): Promise<{ items: T[]; complete: boolean }> {
  const items: T[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < maxPages; page += 1) {
    const answer = await fetchPage(nextToken);
    items.push(...(answer.items ?? []));
    nextToken = answer.nextToken;
    if (!nextToken) return { items, complete: true };
  }
  return { items, complete: false };
}
