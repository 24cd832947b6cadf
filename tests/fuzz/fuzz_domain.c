/*
 * fuzz_domain.c - libFuzzer target for what a hostile sender controls in
 * the enrichment: the address's domain and the signature's fields.  The
 * input's lines are: an address, a website, a phone, a country, a
 * company.  Each goes through domain.c (normalise, registrable domain,
 * Unicode form, ccTLD, look-alike), dns.c's address and network parsers,
 * and an offline enrich_sender (no network: enrichment disabled), which
 * runs the country, flag and suggestion code.  Nothing may crash, leak
 * or run away.
 */
#include "conf.h"
#include "dns.h"
#include "domain.h"
#include "enrich.h"
#include "err.h"

int LLVMFuzzerTestOneInput(const unsigned char *buf, size_t len);

static char *
line(const char **p, const char *end)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	const char *e = nl ? nl : end;
	char *s = xstrndup(*p, (size_t)(e - *p));

	*p = nl ? nl + 1 : end;
	return s;
}

int
LLVMFuzzerTestOneInput(const unsigned char *buf, size_t len)
{
	static struct domain_protect prot[3];
	static int init;
	const char *p = (const char *)buf, *end = p + len;
	char *addr, *web, *phone, *country, *company, *s, *why = NULL;
	struct dns_addr a;
	struct dns_netlist nl = DNS_NETLIST_INIT;
	struct err e = ERR_INIT;
	struct conf c;
	struct enrich *en;
	struct parsed_msg pm;
	struct sig_result sr;
	struct verdict v;
	struct enrich_info ei;

	if (len > 4096 || memchr(buf, '\0', len))
		return 0;
	if (!init) {
		domain_protect_init(&prot[0], "paypal.com", 0);
		domain_protect_init(&prot[1], "example-gifts.com", 1);
		domain_protect_init(&prot[2], "Example Gifts", 1);
		init = 1;
	}
	addr = line(&p, end);
	web = line(&p, end);
	phone = line(&p, end);
	country = line(&p, end);
	company = line(&p, end);

	s = domain_normalize(web);
	free(s);
	s = domain_registrable(web);
	if (s) {
		char *u = domain_to_unicode(s);

		domain_cctld_country(s);
		if (domain_lookalike(s, prot, 3, &why))
			free(why);
		free(u);
	}
	free(s);
	dns_addr_parse(&a, web);
	if (!dns_addr_parse(&a, phone))
		dns_addr_refused(&a, NULL);
	dns_netlist_parse(&nl, country, &e);
	dns_netlist_release(&nl);

	conf_defaults(&c);
	c.enrich_enabled = 0;
	en = enrich_new(&c, NULL, NULL, 0);
	memset(&pm, 0, sizeof(pm));
	memset(&sr, 0, sizeof(sr));
	memset(&v, 0, sizeof(v));
	pm.from.addr = addr;
	sr.f.website = web;
	sr.f.country = country;
	sr.f.address = country;
	sr.f.company = company;
	sr.signature = company;
	strlist_push(&sr.f.phones, phone);
	enrich_sender(en, &pm, &sr, &v, &ei);
	enrich_info_release(&ei);
	strlist_release(&sr.f.phones);
	enrich_free(en);
	conf_release(&c);
	free(addr);
	free(web);
	free(phone);
	free(country);
	free(company);
	return 0;
}
