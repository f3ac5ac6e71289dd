/**
 * @module
 * The one confidence line of the policy engine, shared by scan judgments and transaction
 * decisions so they agree: a match or a party resolved below it is left for a person to review.
 */

/** Matches (and resolved parties) below this confidence are always left for review. */
export const REVIEW_BELOW = 0.7;
