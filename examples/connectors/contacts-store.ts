import type { EntityDefinition, FieldDefinition } from './protocol.js';

/** One record of the sample "contacts" entity. */
export interface Contact {
  id: string;
  name: string;
  email: string;
  age: number;
  /** ISO 8601. */
  updatedAt: string;
}

export type ContactField = keyof Contact;

const STRING_OPERATORS = ['PROJECTION', 'EQUAL_TO', 'NOT_EQUAL_TO', 'CONTAINS'] as const;
const ORDERED_OPERATORS = [
  'PROJECTION',
  'EQUAL_TO',
  'NOT_EQUAL_TO',
  'LESS_THAN',
  'LESS_THAN_OR_EQUAL_TO',
  'GREATER_THAN',
  'GREATER_THAN_OR_EQUAL_TO',
  'BETWEEN',
] as const;

function field(
  fieldName: ContactField,
  dataType: FieldDefinition['dataType'],
  label: string,
  extra: Partial<FieldDefinition> = {},
): FieldDefinition {
  const ordered = dataType !== 'String';
  return {
    fieldName,
    dataType,
    dataTypeLabel: dataType,
    label,
    isPrimaryKey: false,
    isDeprecated: false,
    readProperties: { isRetrievable: true, isNullable: false, isQueryable: true },
    writeProperties: {
      isCreatable: true,
      isUpdatable: true,
      isNullable: false,
      isUpsertable: true,
      supportedWriteOperations: ['INSERT', 'UPDATE', 'UPSERT'],
    },
    filterOperators: [...(ordered ? ORDERED_OPERATORS : STRING_OPERATORS)],
    ...extra,
  };
}

/** The data model of the contacts entity, as DescribeEntity answers it. */
export const CONTACTS_ENTITY: EntityDefinition = {
  entity: {
    entityIdentifier: 'contacts',
    hasNestedEntities: false,
    label: 'Contacts',
    description: 'People in the sample address book',
  },
  fields: [
    field('id', 'String', 'Contact ID', {
      isPrimaryKey: true,
      writeProperties: {
        isCreatable: true,
        isUpdatable: false,
        isNullable: false,
        isUpsertable: true,
        supportedWriteOperations: ['UPDATE', 'UPSERT', 'DELETE'],
      },
    }),
    field('name', 'String', 'Name', { constraints: { allowedLengthRange: { minRange: 1, maxRange: 200 } } }),
    field('email', 'String', 'Email', { constraints: { allowedValuesRegexPattern: '^[^@\\s]+@[^@\\s]+$' } }),
    field('age', 'Integer', 'Age', { constraints: { allowedValueRange: { minRange: 0, maxRange: 150 } } }),
    field('updatedAt', 'DateTime', 'Last updated', {
      readProperties: {
        isRetrievable: true,
        isNullable: false,
        isQueryable: true,
        isTimestampFieldForIncrementalQueries: true,
      },
      writeProperties: {
        isCreatable: false,
        isUpdatable: false,
        isNullable: false,
        isDefaultedOnCreate: true,
      },
    }),
  ],
  customProperties: {},
};

export const CONTACT_FIELDS: readonly ContactField[] = ['id', 'name', 'email', 'age', 'updatedAt'];

/** The contacts a fresh execution environment starts with. */
export function seedContacts(): Contact[] {
  return [
    {
      id: 'c-001',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      age: 36,
      updatedAt: '2026-01-05T09:00:00.000Z',
    },
    {
      id: 'c-002',
      name: 'Alan Turing',
      email: 'alan@example.com',
      age: 41,
      updatedAt: '2026-02-11T10:30:00.000Z',
    },
    {
      id: 'c-003',
      name: 'Grace Hopper',
      email: 'grace@example.com',
      age: 85,
      updatedAt: '2026-03-20T14:15:00.000Z',
    },
  ];
}

/**
 * An in-memory contacts table. It lives as long as the execution environment does, so a write is
 * visible to later invocations of the same warm environment and lost on a cold start, as module
 * state is on Lambda.
 */
export class ContactStore {
  private readonly rows = new Map<string, Contact>();
  private sequence = 0;

  constructor(seed: Contact[] = seedContacts()) {
    for (const contact of seed) this.rows.set(contact.id, { ...contact });
    this.sequence = seed.length;
  }

  /** Every contact, in insertion order. */
  all(): Contact[] {
    return [...this.rows.values()].map((contact) => ({ ...contact }));
  }

  get(id: string): Contact | undefined {
    const found = this.rows.get(id);
    return found && { ...found };
  }

  /** A new contact id that is not taken. */
  nextId(): string {
    let id: string;
    do {
      this.sequence += 1;
      id = `c-${String(this.sequence).padStart(3, '0')}`;
    } while (this.rows.has(id));
    return id;
  }

  put(contact: Contact): void {
    this.rows.set(contact.id, { ...contact });
  }

  delete(id: string): boolean {
    return this.rows.delete(id);
  }
}
