import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../http/context.js';

/** 家校社协同：家长学校微课、学分、家长课堂与出勤、家长志愿者. */
export const homeschoolRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  void deps;
  void app;
};
