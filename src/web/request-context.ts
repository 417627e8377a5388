import type { PublicUser } from "../db/users";

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The signed-in user (session cookie or bearer token). */
      user?: PublicUser;
      /** Hash of the session cookie, when the user came by cookie. */
      sessionHash?: string;
      /** SHA-256 of the bearer token, when the user came by token. */
      tokenHash?: string;
    }
  }
}

export {};
