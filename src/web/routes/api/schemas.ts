import { z } from "zod";

export const email = z
  .string({ error: "expected an email address" })
  .trim()
  .max(254, { error: "email is too long (at most 254 characters)" })
  .email({ error: "expected an email address such as ada@example.edu" });

export const personName = z
  .string({ error: "expected a name" })
  .trim()
  .min(1, { error: "name must not be empty" })
  .max(200, { error: "name is too long (at most 200 characters)" });

export const password = z
  .string({ error: "expected a password" })
  .min(8, { error: "password must be at least 8 characters" })
  .max(200, { error: "password is too long (at most 200 characters)" });

export const credentials = z.strictObject({ email, password: z.string({ error: "expected a password" }).min(1).max(200) });

export const roster = z.strictObject({
  students: z
    .array(z.strictObject({ email, name: personName, password: password.optional() }), {
      error: "expected students: a list of {email, name, password?}",
    })
    .min(1, { error: "students must not be empty" })
    .max(2000, { error: "at most 2000 students per import" }),
});

export const passwordChange = z.strictObject({
  currentPassword: z.string({ error: "expected your current password" }).min(1, { error: "expected your current password" }).max(200),
  newPassword: password,
});
