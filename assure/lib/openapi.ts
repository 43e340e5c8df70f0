// The operations of Xinyu's OpenAPI document (/api/openapi.json, made by @fastify/swagger from the
// routes' zod schemas), in the shape the fuzzing harness (fuzz.ts) walks.

/** The JSON-schema subset the zod → OpenAPI 3.0 transform produces. */
export interface JsonSchema {
  type?: string | string[];
  format?: string;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  nullable?: boolean;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number | boolean;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
}

export interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required: boolean;
  schema: JsonSchema;
}

export interface Operation {
  /** e.g. "POST /api/v1/alerts/:id/actions", the key of the route's declared access */
  key: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** the OpenAPI template, e.g. /api/v1/alerts/{id}/actions */
  path: string;
  params: Parameter[];
  /** the JSON body's schema, when the route declares one */
  body?: JsonSchema;
  /** declared responses by status code */
  responses: Record<string, JsonSchema | undefined>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, {
    parameters?: { in: string; name: string; required?: boolean; schema: JsonSchema }[];
    requestBody?: { content: Record<string, { schema: JsonSchema }> };
    responses?: Record<string, { content?: Record<string, { schema: JsonSchema }> }>;
  }>>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

export function operationsOf(doc: OpenApiDocument): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const m of METHODS) {
      const op = item[m];
      if (!op) continue;
      const method = m.toUpperCase() as Operation['method'];
      const responses: Record<string, JsonSchema | undefined> = {};
      for (const [status, r] of Object.entries(op.responses ?? {})) responses[status] = r.content?.['application/json']?.schema;
      ops.push({
        key: `${method} ${path.replace(/\{(\w+)\}/g, ':$1')}`,
        method,
        path,
        params: (op.parameters ?? [])
          .filter((p): p is Parameter => p.in === 'path' || p.in === 'query' || p.in === 'header')
          .map((p) => ({ in: p.in, name: p.name, required: p.required ?? p.in === 'path', schema: p.schema })),
        ...(op.requestBody?.content['application/json'] ? { body: op.requestBody.content['application/json'].schema } : {}),
        responses,
      });
    }
  }
  return ops;
}

/** The object branches of a body schema (a discriminated union has one per action). */
export function objectBranches(s: JsonSchema): JsonSchema[] {
  if (s.oneOf) return s.oneOf.flatMap(objectBranches);
  if (s.anyOf) return s.anyOf.flatMap(objectBranches);
  return s.type === 'object' || s.properties ? [s] : [];
}
