import { eq } from "./eq";
import { exerciseTitle } from "./exercise-title";
import { formatDate } from "./format-date";
import { inc } from "./inc";
import { invalidAttrs } from "./invalid-attrs";
import { isoDate } from "./iso-date";
import { percent } from "./percent";
import { plural } from "./plural";
import { settingLabel } from "./setting-label";

/** Every Handlebars helper of the web views, one per file in this folder. */
export const helpers = { eq, exerciseTitle, formatDate, inc, invalidAttrs, isoDate, percent, plural, settingLabel };
