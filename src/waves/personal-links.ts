// Personal links of wave invitations, answered at /r/:token by the respondent pages of responses/.
// A token opens exactly one response (its invitation's), only while the wave is open, and never
// after the invitation was revoked. Wrong tokens get the same 404 as any unknown link. Expired,
// cancelled and revoked ones get a page saying so (410), in the invitation's language.
import type { Db, Tx } from '../db/database.ts';
import { Problem } from '../http/problem.ts';
import { findInstrument, findVersion } from '../instruments/repository.ts';
import type { PersonalLinks } from '../responses/access.ts';
import type { Collection, ResourcePersonSource } from '../responses/service.ts';
import { translator } from '../web/i18n/index.ts';
import { mailLanguage } from './mail.ts';
import { hashToken, invitationSubmissionId, newToken, TOKEN_PATTERN } from './model.ts';
import * as repo from './repository.ts';

export function wavePersonalLinks(clock: () => Date = () => new Date()): PersonalLinks {
  return {
    async find(system: Db, token: string) {
      if (!TOKEN_PATTERN.test(token)) return undefined;
      const owner = await repo.findTokenOwner(system, hashToken(token));
      return owner && { orgId: owner.orgId, ref: owner.invitationId };
    },
    async open(tx: Tx, invitationId: string) {
      const invitation = await repo.findInvitation(tx, invitationId);
      const wave = invitation && (await repo.findWave(tx, invitation.waveId));
      if (!invitation || !wave) throw Problem.notFound('This link is not valid or no longer open');
      const lang = mailLanguage(invitation.language);
      const t = translator(lang);
      const now = clock();
      const day = (date: Date) => new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' }).format(date);
      if (invitation.revokedAt) throw new Problem(410, t('wave_link.revoked'));
      if (wave.cancelledAt) throw new Problem(410, t('wave_link.cancelled'));
      if (now >= wave.closesAt) throw new Problem(410, t('wave_link.closed', { date: day(new Date(wave.closesAt.getTime() - 1)) }));
      if (now < wave.opensAt) throw new Problem(409, t('wave_link.not_yet', { date: day(wave.opensAt) }));
      await repo.markOpened(tx, invitation.id, now);
      const collection = (inner: Tx, resourcePersons: ResourcePersonSource) => waveCollection(inner, wave, invitation.activityId, resourcePersons);
      const [instrument] = await Promise.all([findInstrument(tx, wave.instrumentId)]);
      if (!instrument?.anonymous) {
        return {
          collection,
          personal: {
            participantId: invitation.participantId,
            clientSubmissionId: invitationSubmissionId(invitation.id),
            onSubmitted: (inner: Tx, response: { status: 'partial' | 'complete' }) => repo.recordResponse(inner, invitation.id, response.status, clock(), false),
          },
        };
      }
      // Anonymous instrument: the response names nobody, and once complete nothing links it to the
      // invitation any more (the submission id kept for resuming is erased); the invitation only
      // remembers that it was answered.
      if (invitation.responseStatus === 'complete') return { collection, personal: { participantId: null, clientSubmissionId: '-', answered: true } };
      const clientSubmissionId = invitation.anonymousSubmissionId ?? (await repo.setAnonymousSubmissionId(tx, invitation.id, `anon-${newToken()}`));
      return {
        collection,
        personal: {
          participantId: null,
          clientSubmissionId,
          onSubmitted: (inner: Tx, response: { status: 'partial' | 'complete' }) => repo.recordResponse(inner, invitation.id, response.status, clock(), true),
        },
      };
    },
  };
}

/** The wave's version, about the invitation's activity, answered through the wave's (closed) collection link. */
async function waveCollection(tx: Tx, wave: repo.WaveRow, activityId: string, resourcePersons: ResourcePersonSource): Promise<Collection> {
  const version = await findVersion(tx, wave.instrumentVersionId);
  const instrument = version && (await findInstrument(tx, version.instrumentId));
  if (!version || !instrument) throw Problem.notFound('This link is not valid or no longer open');
  return {
    linkId: wave.collectionLinkId,
    activityId,
    instrumentId: instrument.id,
    instrumentKey: instrument.key,
    purpose: instrument.purpose,
    anonymous: instrument.anonymous,
    versionId: version.id,
    definition: version.definition,
    resourcePersons: await resourcePersons.resourcePersonsOf(tx, activityId),
  };
}
