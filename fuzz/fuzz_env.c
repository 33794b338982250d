/*
 * libFuzzer target for the exabgp.* settings (env.c): the INI file
 * (--env, /etc/exabgp/exabgp.env) and the process environment.
 *
 * Input: the INI file's text, then optionally a NUL byte and the
 * environment: "name=value" entries, each ended by a NUL (the last may
 * not be), as in environ; a value may hold any other byte.
 *
 * Promises checked:
 * - an error always says why, on one line without control characters
 *   (it is printed by evbgpd --check and logged);
 * - settings that load print (env_print, what --print-env shows) as one
 *   line each, and the printed lines, given back as exabgp.NAME=VALUE
 *   environment variables, are accepted and print the same: what
 *   --print-env shows is a configuration evbgpd takes back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "evbgp/env.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ENV_MAX_VARS	64

static int ini_fd = -1;
static char ini_path[64];

/* One memory file for the INI text, reused: no disk, no temp names. */
static void
ini_write(const uint8_t *data, size_t n)
{
	if (ini_fd == -1) {
		ini_fd = memfd_create("fuzz_env.ini", 0);
		if (ini_fd == -1)
			abort();
		snprintf(ini_path, sizeof(ini_path), "/proc/self/fd/%d",
		    ini_fd);
	}
	if (ftruncate(ini_fd, 0) == -1 || pwrite(ini_fd, data, n, 0) !=
	    (ssize_t)n)
		abort();
}

static void
check_error(const char *err)
{
	if (err[0] == '\0')
		abort();		/* an error that does not say why */
	for (const char *p = err; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			abort();	/* a second line, or a terminal escape */
}

/* env_print's text (NUL-terminated, malloc'd). */
static char *
printed(const struct env *e)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (f == NULL)
		abort();
	env_print(f, e);
	if (fclose(f) != 0)
		abort();
	return text;
}

/*
 * Load every printed "exabgp.NAME VALUE" line again, as the environment
 * variable exabgp.NAME=VALUE: the same settings must print the same.
 */
static void
check_print_round_trip(const char *text)
{
	struct env again;
	char err[512], *copy = strdup(text), *line, *save = NULL, *again_text;
	char *vars[FUZZ_ENV_MAX_VARS + 1];
	size_t n = 0;

	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');

		if (strncmp(line, "exabgp.", 7) != 0 || sp == NULL ||
		    n == FUZZ_ENV_MAX_VARS)
			abort();	/* not a setting line */
		*sp = '=';
		vars[n++] = line;
	}
	vars[n] = NULL;
	if (env_load(&again, NULL, vars, err, sizeof(err)) == -1) {
		fprintf(stderr, "printed settings refused: %s\n", err);
		abort();
	}
	again_text = printed(&again);
	if (strcmp(again_text, text) != 0) {
		fprintf(stderr, "printed:\n%s\nloaded back:\n%s", text,
		    again_text);
		abort();
	}
	free(again_text);
	env_free(&again);
	free(copy);
}

/* NUL-separated "name=value" entries of text[0 .. n), as in environ. */
static size_t
split_vars(char *text, size_t n, char **vars, size_t max)
{
	size_t nvars = 0;

	for (size_t i = 0; i < n && nvars < max; i += strlen(text + i) + 1)
		vars[nvars++] = text + i;
	return nvars;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t ini_len = nul != NULL ? (size_t)(nul - data) : size;
	char *vars_text = NULL, *vars[FUZZ_ENV_MAX_VARS + 1], err[512];
	struct env e;
	size_t nvars = 0;

	ini_write(data, ini_len);
	if (nul != NULL) {
		size_t n = size - ini_len - 1;

		vars_text = malloc(n + 1);
		memcpy(vars_text, nul + 1, n);
		vars_text[n] = '\0';
		nvars = split_vars(vars_text, n, vars, FUZZ_ENV_MAX_VARS);
	}
	vars[nvars] = NULL;
	if (env_load(&e, ini_path, vars, err, sizeof(err)) == -1)
		check_error(err);
	else {
		char *text = printed(&e);

		check_print_round_trip(text);
		free(text);
		for (size_t i = 0; i < e.nignored; i++)
			check_error(e.ignored[i]);
	}
	env_free(&e);
	free(vars_text);
	return 0;
}
