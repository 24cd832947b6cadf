/*
 * test_phone.c - E.164 normalisation, calling codes, country names.
 */
#include "unit.h"

#include "phone.h"

static void
test_normalise(void **state)
{
	static const struct {
		const char *text;
		const char *country;
		unsigned flags;
		int rc;
		const char *out;
	} cases[] = {
		/* international forms */
		{ "+86-021-6296 2950", NULL, 0, 0, "+862162962950" },
		{ "+44 (0)20 7946 0000", NULL, 0, 0, "+442079460000" },
		{ "(+84) 28 3822 1234", NULL, 0, 0, "+842838221234" },
		{ "0049 30 1234567", NULL, 0, 0, "+49301234567" },
		{ "(1) 470 485 3590", NULL, 0, 0, "+14704853590" },
		{ "(852) 2345 6789", NULL, 0, 0, "+85223456789" },
		{ "+39 06 1234 5678", NULL, 0, 0, "+390612345678" },
		{ "＋８６ １３８ ００００ １２３４", NULL, 0, 0, "+8613800001234" },
		{ "8613800001234", NULL, PHONE_INTL, 0, "+8613800001234" },
		{ "+1 973-929-4650  |  E: x@y.z", NULL, 0, 0, "+19739294650" },
		/* national forms with the country known */
		{ "021-6296 2950", "CN", 0, 0, "+862162962950" },
		{ "138 0000 1234", "CN", 0, 0, "+8613800001234" },
		{ "86 138 0000 1234", "CN", 0, 0, "+8613800001234" },
		{ "06 1234 5678", "IT", 0, 0, "+390612345678" },
		{ "(212) 555-1234", "US", 0, 0, "+12125551234" },
		{ "1-800-555-1234", "US", 0, 0, "+18005551234" },
		{ "011 44 20 7946 0000", "US", 0, 0, "+442079460000" },
		{ "8 (495) 123-45-67", "RU", 0, 0, "+74951234567" },
		{ "030 1234567", "DE", 0, 0, "+49301234567" },
		{ "612 345 678", "ES", 0, 0, "+34612345678" },
		{ "06 12 34 56 78", "FR", 0, 0, "+33612345678" },
		{ "0501234567", "SA", 0, 0, "+966501234567" },
		{ "06 1 234 5678", "HU", 0, 0, "+3612345678" },
		{ "0912-345-678", "TW", 0, 0, "+886912345678" },
		{ "886-2-2960-1234 ext. 15", "TW", 0, 0, "+886229601234" },
		/* the country is not known: as written */
		{ "555-1234", NULL, 0, 1, "555-1234" },
		{ "(841) 372-9462 (869) 805-3813", NULL, 0, 1,
		    "(841) 372-9462" },
		{ "0755-8888 1234", NULL, 0, 1, "0755-8888 1234" },
		{ "555-1234", "US", 0, 1, "555-1234" },
		/* not numbers */
		{ "2024-05-06", NULL, 0, -1, "" },
		{ "06/05/2024", "FR", 0, -1, "" },
		{ "12345", NULL, 0, -1, "" },
		{ "ext", NULL, 0, -1, "" },
		{ "+1234567890123456789", NULL, 0, -1, "" },
	};
	char out[PHONE_E164_SIZE + 48];
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		rc = phone_normalise(cases[i].text, strlen(cases[i].text),
		    cases[i].country, cases[i].flags, out, sizeof(out), NULL);
		if (rc != cases[i].rc || (rc >= 0 &&
		    strcmp(out, cases[i].out) != 0)) {
			print_error("'%s' (%s): got %d '%s', want %d '%s'\n",
			    cases[i].text, cases[i].country ?
			    cases[i].country : "-", rc, out, cases[i].rc,
			    cases[i].out);
			fail();
		}
	}
}

static void
test_country_of(void **state)
{
	static const struct {
		const char *e164;
		const char *iso;
	} cases[] = {
		{ "+12125551234", "US" }, { "+14165551234", "CA" },
		{ "+18765551234", "JM" }, { "+74951234567", "RU" },
		{ "+77011234567", "KZ" }, { "+442079460000", "GB" },
		{ "+8613800001234", "CN" }, { "+85223456789", "HK" },
		{ "+886229601234", "TW" }, { "+97141234567", "AE" },
		{ "+2348031234567", "NG" }, { "+5511988887777", "BR" },
		{ "+390612345678", "IT" }, { "+999", NULL },
	};
	size_t i;
	const char *got;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		got = phone_country_of(cases[i].e164);
		if ((got == NULL) != (cases[i].iso == NULL) ||
		    (got && strcmp(got, cases[i].iso))) {
			print_error("%s: got %s, want %s\n", cases[i].e164,
			    got ? got : "NULL", cases[i].iso ?
			    cases[i].iso : "NULL");
			fail();
		}
	}
	assert_string_equal(phone_calling_code("DE"), "49");
	assert_string_equal(phone_calling_code("CA"), "1");
	assert_null(phone_calling_code("XX"));
}

static void
test_country_names(void **state)
{
	static const struct {
		const char *text;
		const char *iso;
	} in_text[] = {
		{ "No.688 YiShanRoad,XuHui District,Shanghai China.", "CN" },
		{ "RUE DES LOYES 52100 SAINT-DIZIER, FRANCE", "FR" },
		{ "Av. Juscelino Kubitschek 880, Asunción, Paraguay", "PY" },
		{ "New Taipei City 221416, Taiwan", "TW" },
		{ "浙江省宁波市鄞州区中山东路 100 号", "CN" },
		{ "香港九龍尖沙咀", "HK" },
		{ "中国香港九龙", "HK" },
		{ "г. Москва, ул. Тверская, д. 7", "RU" },
		{ "Industriestraße 12, 70565 Stuttgart, Deutschland", "DE" },
		{ "Deira, Dubai, U.A.E.", "AE" },
		{ "Riyadh 11564, KSA", "SA" },
		{ "Kinshasa, Congo DRC", "CD" },
		{ "Port Moresby, Papua New Guinea", "PG" },
		{ "Rhode Island", "US" },
		{ "Sales Manager | Latin America Region", NULL },
		{ "Nigerian", NULL },
		{ "Romania and Omani", "RO" },
		{ "We sell in the UK and the USA", "US" },
	};
	static const struct {
		const char *name;
		const char *iso;
	} by_name[] = {
		{ "Deutschland", "DE" }, { "  españa, ", "ES" },
		{ "P.R. China", "CN" }, { "UK", "GB" }, { "uk", NULL },
		{ "Émirats arabes unis", "AE" }, { "Türkiye", "TR" },
		{ "России", NULL }, { "Россия", "RU" }, { "中國", "CN" },
		{ "China.", "CN" }, { "Korea", "KR" }, { "North Korea", "KP" },
	};
	size_t i, at;
	const char *got;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(in_text); i++) {
		got = phone_country_in_text(in_text[i].text,
		    strlen(in_text[i].text), &at);
		if ((got == NULL) != (in_text[i].iso == NULL) ||
		    (got && strcmp(got, in_text[i].iso))) {
			print_error("'%s': got %s, want %s\n", in_text[i].text,
			    got ? got : "NULL", in_text[i].iso ?
			    in_text[i].iso : "NULL");
			fail();
		}
	}
	for (i = 0; i < ARRAY_SIZE(by_name); i++) {
		got = phone_country_by_name(by_name[i].name,
		    strlen(by_name[i].name));
		if ((got == NULL) != (by_name[i].iso == NULL) ||
		    (got && strcmp(got, by_name[i].iso))) {
			print_error("'%s': got %s, want %s\n", by_name[i].name,
			    got ? got : "NULL", by_name[i].iso ?
			    by_name[i].iso : "NULL");
			fail();
		}
	}
	assert_string_equal(phone_country_of_domain("acme.co.uk"), "GB");
	assert_string_equal(phone_country_of_domain("x.com.cn"), "CN");
	assert_string_equal(phone_country_of_domain("weber-handel.de"), "DE");
	assert_null(phone_country_of_domain("example.com"));
	assert_null(phone_country_of_domain("startup.io"));
}

static void
test_fold(void **state)
{
	char out[64];
	const char *in = "ÀÉÎ Straße ΑΒΓ СЕРГЕЙ Łódź 中国";

	(void)state;
	phone_fold(in, strlen(in), out);
	assert_string_equal(out, "àéî straße αβγ сергей łódź 中国");
	assert_int_equal(strlen(out), strlen(in));
}

/*
 * phone_country_in_text (its name index) finds what a walk of every name
 * at every offset finds, on random texts made of names in any case,
 * words, blanks, punctuation and other scripts.
 */
static void
test_country_index(void **state)
{
	static const char *const pieces[] = {
		"China", "CHINA", "china", "P.R. China", "Chile", "Chad",
		"UK", "uk", "HK", "UAE", "U.A.E.", "u.a.e.", "USA", "Usa",
		"Malaysia", "MALAWI", "Mali", "Malta", "Maldives", "Oman",
		"Romania", "Niger", "Nigeria", "Nigerian", "Korea",
		"North Korea", "Papua New Guinea", "Guinea", "Congo", "DRC",
		"Deutschland", "España", "ESPAÑA", "Émirats arabes unis",
		"Türkiye", "Россия", "РОССИЯ", "中国", "中國", "香港",
		"الإمارات", "Saudi Arabia", "KSA", "Samoa", "San Marino",
		"Rhode Island", "Dubai", "Taiwan", "Sales", "Manager",
		"New", "North", "Port", " ", "  ", ", ", ".", "-", "|", "(",
		")", "0", "123", "a", "Z", "x", "é", "ä", "中", "\xC2\xA0",
		"\t", "Ma", "Sa", "Co",
	};
	char text[256];
	unsigned seed = 42;
	size_t i, k, n, len, at1, at2;
	const char *a, *b, *p;

	(void)state;
	for (i = 0; i < 3000; i++) {
		len = 0;
		n = 1 + unit_rand(&seed) % 8;
		for (k = 0; k < n; k++) {
			p = pieces[unit_rand(&seed) % ARRAY_SIZE(pieces)];
			if (len + strlen(p) >= sizeof(text))
				break;
			memcpy(text + len, p, strlen(p));
			len += strlen(p);
		}
		/* now and then a random byte, even a stray UTF-8 one */
		if (len > 0 && unit_rand(&seed) % 4 == 0)
			text[unit_rand(&seed) % len] =
			    (char)(unit_rand(&seed) >> 8);
		at1 = at2 = (size_t)-1;
		a = phone_country_in_text(text, len, &at1);
		b = phone_country_in_text_walk(text, len, &at2);
		if (a != b || at1 != at2) {
			print_error("'%.*s': index %s at %zu, walk %s at "
			    "%zu\n", (int)len, text, a ? a : "NULL", at1,
			    b ? b : "NULL", at2);
			fail();
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalise),
		cmocka_unit_test(test_country_of),
		cmocka_unit_test(test_country_names),
		cmocka_unit_test(test_country_index),
		cmocka_unit_test(test_fold),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
