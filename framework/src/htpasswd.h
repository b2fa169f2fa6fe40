/* htpasswd.h - the users of --auth-file and their bcrypt password hashes
 * (internal; docs/security.md, "Built-in HTTP Basic").
 *
 * The file is what Apache's `htpasswd -B` writes: one `USER:HASH` line per
 * user, HASH a bcrypt hash `$2y$CC$` + 53 characters (`$2a$` and `$2b$`
 * are accepted too); blank lines and lines starting with '#' are skipped,
 * as Apache's mod_authn_file does.  Anything else (another hash format such
 * as MD5 `$apr1$`, SHA1 or crypt(3) DES, which are weak or slow to refuse,
 * a line without ':', a user name that is not a valid caller name, a
 * repeated user, a bcrypt cost above LADON__HTPASSWD_MAX_COST) makes the
 * whole file refused, with the file name and line number and never the
 * line itself.  A loaded table is immutable: a reload builds a new one.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#ifndef LADON_SRC_HTPASSWD_H
#define LADON_SRC_HTPASSWD_H

#include <stdbool.h>
#include <stddef.h>

/* The highest bcrypt cost accepted: each verification costs 2^cost rounds
 * (cost 5, htpasswd's default: ~2 ms here; 12: ~200 ms), and the cost of
 * a failed guess is what bounds how much work a guesser gets for free. */
#define LADON__HTPASSWD_MAX_COST 12
/* bcrypt hashes are exactly this long: "$2y$05$" + 22 salt + 31 hash */
#define LADON__BCRYPT_LEN 60

typedef struct ladon__htpasswd ladon__htpasswd;

/* Reads path.  0 with *out set, or -1 with "PATH:LINE: reason" (or
 * "PATH: reason") in err. */
int ladon__htpasswd_load(const char *path, ladon__htpasswd **out, char *err, size_t errlen);
void ladon__htpasswd_free(ladon__htpasswd *h);
size_t ladon__htpasswd_count(const ladon__htpasswd *h);

/* Copies the hash of user into hash (LADON__BCRYPT_LEN + 1 bytes); false
 * when the file has no such user, and then hash is a hash of no password
 * with the file's highest cost (made at load), for the caller to verify
 * anyway: an unknown user costs what a wrong password does. */
bool ladon__htpasswd_find(const ladon__htpasswd *h, const char *user, char *hash);

/* Whether password matches the bcrypt hash (libcrypt's crypt_rn, the
 * reentrant crypt_r with an explicit size, then a constant-time
 * comparison of the whole result).  A password holding a NUL byte never
 * matches (crypt would stop at it).  false also when crypt fails or is out
 * of memory. */
bool ladon__bcrypt_verify(const char *hash, const char *password, size_t password_len);

#endif /* LADON_SRC_HTPASSWD_H */
