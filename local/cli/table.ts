/** The terminal table the operator commands draw too (ops/table.ts), for the local stack's reports. */
export { formatTable } from '../../ops/table.js';
