import { fileURLToPath } from 'node:url';

/** The repository root, wherever the clone lives (CI runs in a fresh clone elsewhere). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The sample connector that answers the custom connector protocol: the handler every world function uses. */
export const HEALTHY_CONNECTOR = `${fileURLToPath(new URL('../../../examples/connectors/healthy.ts', import.meta.url))}#handler`;

/** The hostile corpus: one PutEvents entry and its expected outcome per file. */
export const HOSTILE_FIXTURES = fileURLToPath(new URL('../fixtures/hostile/', import.meta.url));
