// The whole database schema: drizzle-kit reads this file to generate migrations.
// Each domain folder owns its tables in its own schema.ts; this file only gathers them.
export * from './tenancy-schema.ts';
export * from './instance-schema.ts';
export * from '../accounts/schema.ts';
export * from '../instruments/schema.ts';
export * from '../responses/schema.ts';
