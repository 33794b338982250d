/*
 * libFuzzer target for the configuration parser, with config_print as
 * the oracle (config.h promises the printed form parses back to an equal
 * configuration): parse the input; when it is accepted, print it, parse
 * the print, require config_equal, and require that printing the second
 * parse gives the same text (print is a normal form).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evbgp/config.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int	LLVMFuzzerInitialize(int *argc, char ***argv);

/* Large enough for real configurations, small enough to stay fast. */
#define FUZZ_CONFIG_MAX	(64 * 1024)

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/*
	 * process "run" programs are looked up in /etc/exabgp, beside the
	 * file and along PATH: keep that lookup short and deterministic.
	 */
	setenv("PATH", "/nonexistent-evbgp-fuzz", 1);
	unsetenv("EXABGP_ETC");
	return 0;
}

/* config_print into a new string. */
static char *
print_string(const struct config *c, size_t *len)
{
	char *text = NULL;
	FILE *f;

	if ((f = open_memstream(&text, len)) == NULL)
		abort();
	config_print(f, c);
	if (fclose(f) != 0)
		abort();
	return text;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *c1, *c2;
	char err[512], *in, *t1, *t2;
	size_t l1, l2;

	if (size > FUZZ_CONFIG_MAX)
		return 0;
	in = malloc(size + 1);
	if (in == NULL)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	c1 = config_parse(in, "/fuzz/evbgpd.conf", err, sizeof(err));
	free(in);
	if (c1 == NULL) {
		if (err[0] == '\0')
			abort();	/* a refusal always says why */
		return 0;
	}
	t1 = print_string(c1, &l1);
	c2 = config_parse(t1, "/fuzz/evbgpd.conf", err, sizeof(err));
	if (c2 == NULL) {
		fprintf(stderr, "printed configuration refused: %s\n--\n%s--\n",
		    err, t1);
		abort();
	}
	if (!config_equal(c1, c2)) {
		fprintf(stderr, "printed configuration differs:\n%s--\n", t1);
		abort();
	}
	t2 = print_string(c2, &l2);
	if (l1 != l2 || memcmp(t1, t2, l1) != 0) {
		fprintf(stderr, "print is not stable:\n%s--\n%s--\n", t1, t2);
		abort();
	}
	free(t1);
	free(t2);
	config_free(c1);
	config_free(c2);
	return 0;
}
