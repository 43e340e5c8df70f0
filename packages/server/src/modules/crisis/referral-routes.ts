import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../http/context.js';

export const referralRoutes = (_deps: Deps): FastifyPluginAsyncZod => async () => {};
