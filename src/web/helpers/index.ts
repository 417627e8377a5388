import { eq } from "./eq";
import { formatDate } from "./format-date";
import { isoDate } from "./iso-date";
import { percent } from "./percent";
import { plural } from "./plural";

/** Every Handlebars helper of the web views, one per file in this folder. */
export const helpers = { eq, formatDate, isoDate, percent, plural };
