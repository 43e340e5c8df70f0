import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../http/context.js';

export const crisisCaseRoutes = (_deps: Deps): FastifyPluginAsyncZod => async () => {};
