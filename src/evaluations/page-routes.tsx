import type { FastifyPluginAsync } from 'fastify';
import type { EvaluationDeps } from './routes.ts';

export const evaluationPageRoutes: FastifyPluginAsync<EvaluationDeps> = async () => {};
