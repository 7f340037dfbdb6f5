// The invitation and reminder e-mails of a wave, in the participant's language, with the personal
// link. The outbox adds the unsubscribe link and the List-Unsubscribe headers.
import { isLang, translator, type Lang } from '../web/i18n/index.ts';

export interface WaveMail {
  kind: 'invitation' | 'reminder';
  lang: Lang;
  orgName: string;
  activityTitle: string;
  givenName: string | null;
  link: string;
  closesAt: Date;
}

/** The participant's preferred language when we have it, English otherwise. */
export function mailLanguage(preferred: string | null | undefined): Lang {
  const base = preferred?.toLowerCase().split(/[-_]/)[0];
  return isLang(base) ? base : 'en';
}

/** The personal link: the respondent page, in the participant's language when the form has it. */
export function personalLink(publicUrl: string, token: string, lang: Lang): string {
  return `${publicUrl}/r/${token}?lang=${lang}`;
}

export function composeWaveMail(mail: WaveMail): { subject: string; text: string; html: string } {
  const t = translator(mail.lang);
  // The last day the survey is open (it closes at the start of the next day).
  const lastDay = new Intl.DateTimeFormat(mail.lang, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(mail.closesAt.getTime() - 1));
  const vars = { org: mail.orgName, activity: mail.activityTitle, date: lastDay };
  const subject = t(mail.kind === 'invitation' ? 'wave_mail.invitation_subject' : 'wave_mail.reminder_subject', vars).slice(0, 250);
  const greeting = mail.givenName ? t('wave_mail.greeting', { name: mail.givenName }) : t('wave_mail.greeting_anonymous');
  const lead = t(mail.kind === 'invitation' ? 'wave_mail.invitation_body' : 'wave_mail.reminder_body', vars);
  const linkLine = t('wave_mail.link_label');
  const closes = t('wave_mail.closes', vars);
  const thanks = t('wave_mail.thanks', vars);
  const text = [greeting, '', lead, '', linkLine, mail.link, '', closes, '', thanks].join('\n');
  const html =
    `<!doctype html><html lang="${mail.lang}"><body>` +
    `<p>${escapeHtml(greeting)}</p><p>${escapeHtml(lead)}</p>` +
    `<p><a href="${escapeHtml(mail.link)}">${escapeHtml(t('wave_mail.button'))}</a></p>` +
    `<p style="font-size:small">${escapeHtml(linkLine)}<br>${escapeHtml(mail.link)}</p>` +
    `<p>${escapeHtml(closes)}</p><p>${escapeHtml(thanks)}</p></body></html>`;
  return { subject: subject.replace(/[\r\n]+/g, ' '), text, html };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
