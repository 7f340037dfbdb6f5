// The whole database schema: drizzle-kit reads this file to generate migrations.
// Each domain folder owns its tables in its own schema.ts; this file only gathers them.
export * from './tenancy-schema.ts';
export * from './instance-schema.ts';
export * from '../accounts/schema.ts';
export * from '../catalogue/schema.ts';
export * from '../people/schema.ts';
export * from '../analytics/schema.ts';
export * from '../messaging/schema.ts';
export * from '../evaluations/schema.ts';
export * from '../instruments/schema.ts';
export * from '../responses/schema.ts';
export * from '../privacy/schema.ts';
export * from '../evidence/schema.ts';
export * from '../waves/schema.ts';
