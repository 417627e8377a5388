/**
 * What the quiz may remember between requests: only facts that never change once true (a quiz's
 * definition and items, a shared variant, rendered question HTML) and, briefly, that a student is a
 * joined member. The running state (state, question, closesAt) is read from the database on every
 * request, so a second process, or this one after a restart, decides the same way.
 */
import type { Db } from "../db/client";
import {
  selectOptionalQuizDefinition,
  selectOptionalQuizRunState,
  selectOptionalQuizVariant,
  type QuizDefinition,
  type QuizRecord,
  type StoredVariant,
} from "../db/quizzes";

/** How long a confirmed "joined student of the course" stays trusted without a query. */
export const MEMBER_TTL_MS = 30_000;
const MAX_ENTRIES = 5000;

function remember<K, V>(map: Map<K, V>, key: K, value: V): V {
  if (map.size >= MAX_ENTRIES) map.delete(map.keys().next().value as K);
  map.set(key, value);
  return value;
}

export class QuizCache {
  private readonly definitions = new Map<number, QuizDefinition>();
  private readonly shared = new Map<number, StoredVariant>();
  private readonly members = new Map<string, number>();
  readonly rendered = new Map<string, { html: string; parts: import("../grading").PartSpec[] }>();

  constructor(private readonly db: Db) {}

  /** The quiz with its current running state (always read fresh) and its definition (cached). */
  async loadQuiz(id: number): Promise<QuizRecord | null> {
    const run = await selectOptionalQuizRunState(this.db, id);
    if (!run) return null;
    let def = this.definitions.get(id);
    if (!def) {
      const loaded = await selectOptionalQuizDefinition(this.db, id);
      if (!loaded) return null;
      def = remember(this.definitions, id, loaded);
    }
    return { ...def, ...run };
  }

  /** The shared variant of a quiz item (userId null); immutable once created. */
  async sharedVariant(quizItemId: number): Promise<StoredVariant | null> {
    const hit = this.shared.get(quizItemId);
    if (hit) return hit;
    const v = await selectOptionalQuizVariant(this.db, quizItemId, null);
    return v ? remember(this.shared, quizItemId, v) : null;
  }

  isMember(quizId: number, userId: number): boolean {
    const until = this.members.get(`${quizId}:${userId}`);
    return until !== undefined && until > Date.now();
  }

  rememberMember(quizId: number, userId: number): void {
    remember(this.members, `${quizId}:${userId}`, Date.now() + MEMBER_TTL_MS);
  }
}

const caches = new WeakMap<Db, QuizCache>();

/** The cache of one database handle (tests open several databases in one process). */
export function cacheFor(db: Db): QuizCache {
  let c = caches.get(db);
  if (!c) caches.set(db, (c = new QuizCache(db)));
  return c;
}
