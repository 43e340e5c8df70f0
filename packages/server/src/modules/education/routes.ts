import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../http/context.js';

/** 健康教育：心理健康课、学科渗透与教研活动、主题活动、学生心理社团. */
export const educationRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  void deps;
  void app;
};
