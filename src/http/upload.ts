// File uploads from HTML forms (multipart/form-data): the one way every domain receives an
// uploaded file (imports, XLSForms, responses). @fastify/multipart buffers the parts and attaches
// them to request.body, so the CSRF check (a preHandler) sees the form's `_csrf` field like any
// other form post. Limits are set once here; going over them is a 413 problem naming the limit.
import multipart, { type MultipartFile, type MultipartValue } from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Problem } from './problem.ts';

/** The largest file a form may upload. Imports of a million rows still fit as CSV. */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

/** `maxBytes` lowers the file size limit (tests of the 413 answer); the default is MAX_UPLOAD_BYTES. */
export async function registerUploads(app: FastifyInstance, maxBytes = MAX_UPLOAD_BYTES): Promise<void> {
  await app.register(multipart, {
    attachFieldsToBody: true,
    limits: { fileSize: maxBytes, files: 1, fields: 50, fieldSize: 1024 * 1024, parts: 60 },
  });
}

export interface UploadedFile {
  fileName: string;
  mimeType: string;
  bytes: Buffer;
}

type MultipartBody = Record<string, MultipartFile | MultipartValue | Array<MultipartFile | MultipartValue> | undefined>;

function multipartBody(request: FastifyRequest): MultipartBody {
  if (!request.isMultipart()) throw new Problem(415, 'Send the form as multipart/form-data (an HTML form with enctype="multipart/form-data")');
  return (request.body ?? {}) as MultipartBody;
}

function single(request: FastifyRequest, name: string): MultipartFile | MultipartValue | undefined {
  const part = multipartBody(request)[name];
  if (Array.isArray(part)) throw new Problem(400, `Send one "${name}", not ${part.length}`, [{ field: name, message: 'repeated' }]);
  return part;
}

/**
 * The uploaded file of the form field `name`. `accept` lists the file name endings allowed
 * (for example ['.csv', '.xlsx']); anything else is a 415 naming the file and what is accepted.
 */
export async function uploadedFile(request: FastifyRequest, name: string, accept: readonly string[]): Promise<UploadedFile> {
  const part = single(request, name);
  if (!part || part.type !== 'file' || part.filename === '') {
    throw new Problem(400, `Choose a file to upload (field "${name}")`, [{ field: name, message: 'no file was sent' }]);
  }
  const fileName = part.filename;
  const lower = fileName.toLowerCase();
  if (!accept.some((ending) => lower.endsWith(ending))) {
    throw new Problem(415, `${fileName}: this kind of file is not accepted here; send ${accept.join(' or ')}`, [
      { field: name, message: `expected ${accept.join(' or ')}` },
    ]);
  }
  const bytes = await part.toBuffer(); // already buffered by the plugin: this returns it
  if ( bytes.length === 0) throw new Problem(400, `${fileName} is empty`, [{ field: name, message: 'empty file' }]);
  return { fileName, mimeType: part.mimetype, bytes };
}

/** A text field of the same multipart form ('' when absent). */
export function formField(request: FastifyRequest, name: string): string {
  const part = single(request, name);
  if (!part) return '';
  if (part.type !== 'field') throw new Problem(400, `"${name}" must be a text field, not a file`, [{ field: name, message: 'unexpected file' }]);
  return String(part.value ?? '');
}
