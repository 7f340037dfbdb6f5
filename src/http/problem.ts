// Errors as RFC 9457 problem details. Throw `Problem` from any route; the server's error
// handler turns it (and validation failures, and anything unexpected) into
// application/problem+json for the API, or into an error page for browsers.
import type { FastifyError } from 'fastify';

export interface FieldIssue {
  /** JSON pointer-ish path of the offending field, e.g. "body/email" or "query/page". */
  field: string;
  message: string;
}

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldIssue[];
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Authentication required',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly errors?: FieldIssue[],
  ) {
    super(detail);
  }

  static badRequest(detail: string, field?: string): Problem {
    return new Problem(400, detail, field === undefined ? undefined : [{ field, message: detail }]);
  }
  static unauthorized(detail = 'Sign in or send an API token (Authorization: Bearer …)'): Problem {
    return new Problem(401, detail);
  }
  static forbidden(detail = 'Your role does not allow this'): Problem {
    return new Problem(403, detail);
  }
  static notFound(detail = 'No such resource'): Problem {
    return new Problem(404, detail);
  }
  static conflict(detail: string, field?: string): Problem {
    return new Problem(409, detail, field === undefined ? undefined : [{ field, message: detail }]);
  }
}

export function problemType(status: number): string {
  return status === 400 || status === 422 ? 'https://tracer.dev/problems/validation' : 'about:blank';
}

export function toProblem(error: unknown, instance: string): ProblemDocument {
  if (error instanceof Problem) {
    return document(error.status, error.detail, instance, error.errors);
  }
  const fastifyError = error as FastifyError & { validation?: ValidationEntry[]; validationContext?: string };
  if (fastifyError.validation) {
    const errors = fastifyError.validation.map((entry) => fieldIssue(entry, fastifyError.validationContext ?? 'body'));
    const detail = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    return document(400, detail, instance, errors);
  }
  const status = fastifyError.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return document(status, fastifyError.message, instance);
  }
  return document(500, 'Something went wrong on our side; it has been logged.', instance);
}

interface ValidationEntry {
  instancePath: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}

function fieldIssue(entry: ValidationEntry, context: string): FieldIssue {
  const path = entry.instancePath.replace(/^\//, '');
  const missing = entry.keyword === 'required' ? String(entry.params.missingProperty ?? '') : '';
  const field = [context, path, missing].filter((part) => part !== '').join('/');
  const allowed = entry.keyword === 'enum' ? `: one of ${(entry.params.allowedValues as unknown[]).join(', ')}` : '';
  return { field, message: (entry.message ?? 'is invalid') + allowed };
}

function document(status: number, detail: string, instance: string, errors?: FieldIssue[]): ProblemDocument {
  return {
    type: problemType(status),
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    instance,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}
