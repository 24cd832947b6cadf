/*
 * banned.h - functions inquiryd must not call (after git's banned.h).
 *
 * Each of these either writes without a bound, keeps hidden state, or
 * parses numbers without reporting errors.  Use the replacements named
 * beside them.  Included last by util.h, so every module gets it.
 */
#ifndef INQUIRYD_BANNED_H
#define INQUIRYD_BANNED_H

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)		/* buf_addstr, xstrdup */
#undef strcat
#define strcat(x, y) BANNED(strcat)		/* buf_addstr */
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)	/* xstrlcpy */
#undef strncat
#define strncat(x, y, n) BANNED(strncat)	/* buf_add */
#undef sprintf
#define sprintf(...) BANNED(sprintf)		/* snprintf, buf_addf */
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)		/* vsnprintf, buf_vaddf */
#undef strtok
#define strtok(x, y) BANNED(strtok)		/* strtok_r, strsep */
#undef atoi
#define atoi(x) BANNED(atoi)			/* str_to_long */
#undef atol
#define atol(x) BANNED(atol)			/* str_to_long */
#undef atoll
#define atoll(x) BANNED(atoll)			/* str_to_long */
#undef gmtime
#define gmtime(t) BANNED(gmtime)		/* gmtime_r */
#undef localtime
#define localtime(t) BANNED(localtime)		/* localtime_r */
#undef ctime
#define ctime(t) BANNED(ctime)			/* strftime */
#undef asctime
#define asctime(t) BANNED(asctime)		/* strftime */
#undef gets
#define gets(x) BANNED(gets)			/* getline */

#endif
