import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { reachableFrom, tsFilesUnder } from '../support/sources.js';
import { ROOT } from './package-hub.js';

// IAM action names that differ from the SDK command's name (UnRegisterConnector: a capital R).
const ACTION_OF_COMMAND: Record<string, string> = {
  'lambda:Invoke': 'lambda:InvokeFunction',
  'appflow:UnregisterConnector': 'appflow:UnRegisterConnector',
  'resource-groups-tagging-api:GetResources': 'tag:GetResources',
};
// Actions a call needs besides its own: GetFunction leaves Tags out (TagsError) without ListTags.
const IMPLIED_ACTIONS: Record<string, string[]> = { 'lambda:GetFunction': ['lambda:ListTags'] };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * The IAM actions the handlers can call with the given SDK clients, read from the commands they
 * import (`import { GetFunctionCommand } from '@aws-sdk/client-lambda'` → `lambda:GetFunction`), so
 * a template that forgets a new call, or keeps an old one, fails its test.
 *
 * @example sdkActionsUsed(['lambda', 'appflow']) // ['appflow:DescribeConnector', …, 'lambda:InvokeFunction']
 */
export function sdkActionsUsed(clients: string[], dir = join(ROOT, 'functions')): string[] {
  return actionsImportedBy(sourceFiles(dir), clients);
}

/**
 * The IAM actions one handler can call: those of the commands imported by the files of its own
 * directory and every project file they import, so each function's role can be held to exactly
 * what its own code sends.
 *
 * @example sdkActionsOfHandler('unregister-connector', ['appflow']) // ['appflow:DescribeConnector', …, 'appflow:UnRegisterConnector']
 */
export function sdkActionsOfHandler(handlerDir: string, clients: string[]): string[] {
  return actionsImportedBy(reachableFrom(tsFilesUnder(join(ROOT, 'functions', handlerDir))), clients);
}

function actionsImportedBy(files: string[], clients: string[]): string[] {
  const actions = new Set<string>();
  const importPattern = /import\s*(type\s*)?\{([^}]*)\}\s*from\s*'@aws-sdk\/client-([a-z0-9-]+)'/g;
  for (const file of files) {
    for (const [, typeOnly, names = '', client = ''] of readFileSync(file, 'utf8').matchAll(importPattern)) {
      if (typeOnly || !clients.includes(client)) continue;
      for (const name of names.split(',').map((part) => part.trim())) {
        const command = /^(\w+)Command$/.exec(name)?.[1];
        if (!command) continue;
        const action = `${client}:${command}`;
        actions.add(ACTION_OF_COMMAND[action] ?? action);
        for (const implied of IMPLIED_ACTIONS[action] ?? []) actions.add(implied);
      }
    }
  }
  return [...actions].sort();
}
