import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../config.ts';

const mail = (env: Record<string, string>) => loadConfig(env).mail;
const refuses = (env: Record<string, string>, pattern: RegExp) =>
  assert.throws(
    () => loadConfig(env),
    (error: Error) => error instanceof ConfigError && pattern.test(error.message) && !error.message.includes('\n'),
  );

describe('e-mail configuration', () => {
  it('without SMTP settings, writes mail to a file beside the data folder', () => {
    assert.deepEqual(mail({ TRACER_DATA_DIR: '/srv/tracer/data' }), {
      transport: { kind: 'log', file: '/srv/tracer/data.mail.jsonl' },
      from: 'Tracer <no-reply@tracer.invalid>',
    });
    assert.deepEqual(mail({}).transport, { kind: 'log', file: resolve('.tracer-data.mail.jsonl') });
    assert.deepEqual(mail({ MAIL_LOG_FILE: '/tmp/mail.jsonl' }).transport, { kind: 'log', file: '/tmp/mail.jsonl' });
  });

  it('reads SMTP_URL, with percent-encoded credentials and the default port of each scheme', () => {
    assert.deepEqual(mail({ SMTP_URL: 'smtp://mailer:p%40ss%3Aword@smtp.example.org:2525', MAIL_FROM: 'Centre <surveys@example.org>' }), {
      transport: { kind: 'smtp', host: 'smtp.example.org', port: 2525, secure: false, auth: { user: 'mailer', pass: 'p@ss:word' } },
      from: 'Centre <surveys@example.org>',
    });
    assert.deepEqual(mail({ SMTP_URL: 'smtps://smtp.example.org', MAIL_FROM: 'surveys@example.org' }).transport, {
      kind: 'smtp',
      host: 'smtp.example.org',
      port: 465,
      secure: true,
      auth: undefined,
    });
    assert.equal((mail({ SMTP_URL: 'smtp://relay.local', MAIL_FROM: 'a@b.org' }).transport as { port: number }).port, 587);
  });

  it('reads SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASSWORD and SMTP_SECURE', () => {
    assert.deepEqual(
      mail({ SMTP_HOST: 'relay', SMTP_PORT: '465', SMTP_USER: 'u', SMTP_PASSWORD: 'secret', MAIL_FROM: 'a@b.org' }).transport,
      { kind: 'smtp', host: 'relay', port: 465, secure: true, auth: { user: 'u', pass: 'secret' } },
    );
    assert.deepEqual(mail({ SMTP_HOST: 'relay', MAIL_FROM: 'a@b.org' }).transport, {
      kind: 'smtp',
      host: 'relay',
      port: 587,
      secure: false,
      auth: undefined,
    });
    assert.equal((mail({ SMTP_HOST: 'relay', SMTP_SECURE: 'true', MAIL_FROM: 'a@b.org' }).transport as { port: number }).port, 465);
  });

  it('explains each wrong setting in one line', () => {
    refuses({ SMTP_URL: 'http://mail.example.org', MAIL_FROM: 'a@b.org' }, /SMTP_URL must start with smtp:\/\/ or smtps:\/\/ \(got http:\/\/\)/);
    refuses({ SMTP_URL: 'not a url', MAIL_FROM: 'a@b.org' }, /SMTP_URL is not a valid URL/);
    refuses({ SMTP_URL: 'smtp://user@host', MAIL_FROM: 'a@b.org' }, /SMTP_URL names a user but no password/);
    refuses({ SMTP_URL: 'smtp://host', SMTP_HOST: 'host', MAIL_FROM: 'a@b.org' }, /either SMTP_URL or SMTP_HOST, not both/);
    refuses({ SMTP_HOST: 'relay', SMTP_PORT: '99999', MAIL_FROM: 'a@b.org' }, /SMTP_PORT must be a whole number from 1 to 65535 \(got "99999"\)/);
    refuses({ SMTP_HOST: 'relay', SMTP_SECURE: 'maybe', MAIL_FROM: 'a@b.org' }, /SMTP_SECURE must be true or false/);
    refuses({ SMTP_HOST: 'relay', SMTP_USER: 'u', MAIL_FROM: 'a@b.org' }, /SMTP_USER is set but SMTP_PASSWORD is not/);
    refuses({ SMTP_PASSWORD: 'p' }, /SMTP_PASSWORD is set but SMTP_HOST is not/);
    refuses({ SMTP_HOST: 'relay' }, /MAIL_FROM is required when SMTP is configured/);
    refuses({ TRACER_PUBLIC_URL: 'tracer.example.org' }, /TRACER_PUBLIC_URL must be an http:\/\/ or https:\/\/ address/);
    refuses({ MAIL_FROM: 'nobody' }, /MAIL_FROM must be an address or "Name <address>"/);
  });
});
