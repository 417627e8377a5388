// Kept for imports inside src/web; the class lives in src/http-error.ts so services can throw it too.
export { HttpError, notFound } from "../http-error";
