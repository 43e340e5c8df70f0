import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../http/context.js';
import { dashboardRoutes } from './dashboard-routes.js';

/** 督导：年度任务清单与实时指标、示范校评估、驾驶舱与导出. */
export const supervisionRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  await app.register(dashboardRoutes(deps));
};
