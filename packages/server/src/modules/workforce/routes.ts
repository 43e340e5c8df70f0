import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../http/context.js';

/** 队伍建设：心理教师、证书等级、培训学时、配备比例. */
export const workforceRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  void deps;
  void app;
};
