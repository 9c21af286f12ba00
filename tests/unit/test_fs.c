/* test_fs: util/fs.c: file-name slugs of run titles, mkdir -p. */
#include "util/fs.h"
#include "check.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_slug(void)
{
	char b[16];
	CHECK(fs_slug(b, sizeof b, "Five worker processes!") == 15);   /* cut to fit: 15 bytes and the NUL */
	CHECK_STR(b, "five-worker-pro");
	CHECK(fs_slug(b, sizeof b, "  4 busy -- workers ") == 14);
	CHECK_STR(b, "4-busy-workers");
	CHECK(fs_slug(b, sizeof b, "Dask: mean()") == 9);
	CHECK_STR(b, "dask-mean");
	CHECK(fs_slug(b, sizeof b, "\xc3\xa9t\xc3\xa9") == 1);   /* "été": only ASCII is kept */
	CHECK_STR(b, "t");
	CHECK(fs_slug(b, sizeof b, "***") == 0 && b[0] == '\0');
	CHECK(fs_slug(b, sizeof b, NULL) == 0 && b[0] == '\0');
	CHECK(fs_slug(b, 1, "abc") == 0 && b[0] == '\0');
}

static void test_mkdirs(void)
{
	char tmpl[] = "/tmp/test-fs-XXXXXX";
	char *dir = mkdtemp(tmpl);
	CHECK(dir != NULL);
	if (!dir) return;
	char path[128], file[128];
	snprintf(path, sizeof path, "%s/a/b/c", dir);
	CHECK(fs_mkdirs(path, 0700) == 0);
	struct stat st;
	CHECK(stat(path, &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(fs_mkdirs(path, 0700) == 0);   /* there already: fine */
	snprintf(file, sizeof file, "%s/f", dir);
	FILE *f = fopen(file, "w");
	CHECK(f != NULL);
	if (f) fclose(f);
	snprintf(path, sizeof path, "%s/f/g", dir);
	CHECK(fs_mkdirs(path, 0700) < 0);    /* a file in the way */
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
}

int main(void)
{
	test_slug();
	test_mkdirs();
	return CHECK_DONE();
}
