// What a link token in /r/:token grants. A collection link lets anyone holding it answer; a personal
// link (a survey wave's invitation, built in waves/) is bound to one participant and one response,
// so resuming always finds that response and nobody reaches another person's answers.
import type { Db, Tx } from '../db/database.ts';
import type { Collection, ResourcePersonSource } from './service.ts';

export interface LinkAccess {
  /** The questionnaire, version and activity the answers are about. */
  collection(tx: Tx, resourcePersons: ResourcePersonSource, options?: { deferResourcePersons?: boolean; fromCache?: boolean }): Promise<Collection>;
  /** Personal links only: the one response this link writes. */
  personal?: PersonalAccess;
}

export interface PersonalAccess {
  /** Who answers; null for anonymous instruments (the response never names the person). */
  participantId: string | null;
  /** The client submission id of the link's one response. */
  clientSubmissionId: string;
  /** Already answered and no longer linked to its response (anonymous instruments): thanks page only. */
  answered?: boolean;
  /** Called in the request's transaction after each save or submit through the link. */
  onSubmitted?(tx: Tx, response: { id: string; status: 'partial' | 'complete' }): Promise<void>;
}

/** Personal link tokens, resolved by another domain (wired in http/server.ts). */
export interface PersonalLinks {
  /**
   * The organisation of a personal token, before the organisation is known (a narrow system
   * lookup); undefined when the token is not a personal one.
   */
  find(system: Db, token: string): Promise<{ orgId: string; ref: string } | undefined>;
  /** Inside the organisation: what the token grants now. Throws a Problem when expired or revoked. */
  open(tx: Tx, ref: string): Promise<LinkAccess>;
}
