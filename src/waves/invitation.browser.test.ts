// A participant opens the personal link of the invitation e-mail they received (real SMTP on
// loopback) in a real browser and completes the follow-up survey; the wave's rates count it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Database } from '../db/database.ts';
import { createMailTransport, type MailTransport } from '../messaging/transport.ts';
import { MailSender } from '../messaging/worker.ts';
import { launchBrowser, newContext, saveScreenshot, seriousAccessibilityViolations } from '../testing/browser.ts';
import { createTestDatabase } from '../testing/database.ts';
import { startTestServer, TestClient, type TestServer } from '../testing/http.ts';
import { TestSmtpServer } from '../testing/smtp.ts';
import { WaveScheduler } from './scheduler.ts';
import { createWaveFixture, type WaveFixture } from './test-fixture.ts';

describe('an invitation e-mail opened in a real browser', () => {
  let database: Database;
  let fx: WaveFixture;
  let server: TestServer;
  let smtp: TestSmtpServer;
  let transport: MailTransport;
  let browser: Browser;
  let waveId: string;
  let evaluator: TestClient;

  before(async () => {
    database = await createTestDatabase();
    fx = await createWaveFixture(database, 'browserwaves');
    server = await startTestServer(database);
    smtp = await TestSmtpServer.start();
    transport = createMailTransport({ kind: 'smtp', host: '127.0.0.1', port: smtp.port, secure: false, auth: undefined });
    browser = await launchBrowser();
    evaluator = await TestClient.signedIn(server.url, fx.org.emails.evaluator);
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    waveId = (await evaluator.post<{ id: string }>('/api/waves', { name: 'Follow-up', instrumentId: fx.instruments.followUp, activityIds: [fx.activities.a], anchor: 'fixed', opensAt: day(-1), closesAt: day(20) })).body.id;
    await new WaveScheduler({ database, publicUrl: server.url }).runDue();
    await new MailSender({ database, transport, from: 'Centre <surveys@centre.example.org>', publicUrl: server.url }).sendDue();
  });
  after(async () => {
    await browser.close();
    transport.close();
    await smtp.close();
    await server.close();
    await database.close();
  });

  const group = (page: Page, name: RegExp) => page.getByRole('group', { name });

  it('completes the survey from the link in the e-mail', async () => {
    const mail = smtp.received.find((m) => m.to.includes('p3@example.net'))!;
    const link = /(http:\/\/127\.0\.0\.1:\d+\/r\/[A-Za-z0-9_-]{43}\?lang=en)/.exec(mail.decoded)![1]!;
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(link);
    await page.getByRole('heading', { name: 'Using what you learnt' }).waitFor();
    assert.deepEqual(await seriousAccessibilityViolations(page), []);
    await group(page, /meet your needs/).getByLabel('To a great extent').check();
    await group(page, /How have you used/).getByLabel('It helped with specific tasks').check();
    await page.getByLabel('Give a concrete example').fill('I reviewed two recruitment agency licences with the checklist.');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Changes' }).waitFor();
    await group(page, /competences changed/).getByLabel('Moderate').check();
    await group(page, /performance changed/).getByLabel('Small').check();
    await page.getByLabel('A policy or strategy').check();
    await group(page, /shared what you learnt/).getByLabel('No').check();
    await page.getByRole('button', { name: 'Submit my answers' }).click();
    await page.getByText('Your answers have been received.').waitFor();
    await saveScreenshot(page, 'wave-invitation-completed');
    // Opening the link again shows the thanks page, never a second questionnaire.
    await page.goto(link);
    await page.getByText('Your answers have been received.').waitFor();
    await context.close();

    const wave = await evaluator.get<{ rates: { complete: number; opened: number; eligible: number; rr1: number } }>(`/api/waves/${waveId}`);
    assert.deepEqual({ complete: wave.body.rates.complete, opened: wave.body.rates.opened, eligible: wave.body.rates.eligible, rr1: wave.body.rates.rr1 }, { complete: 1, opened: 1, eligible: 4, rr1: 0.25 });
  });
});
